package org.dimba4j.model.t5;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.InitStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link T5Init} against transformers' T5EncoderModel init (tools/fixtures/t5/random_init.py), and loadability. */
class T5InitTest {
    private static final Path DIR = T5EncoderTest.fixture("random_init");
    private static final T5Config CONFIG = T5Config.read(DIR.resolve("config.json"));

    @Test
    void namesAndDistributionsAreTransformers() {
        Map<String, Tensor> mine = T5Init.initialise(CONFIG, 0);
        try (SafetensorsFile f = SafetensorsFile.open(DIR.resolve("stats.safetensors"))) {
            TreeSet<String> official = new TreeSet<>();
            for (String n : f.names()) official.add(n.substring("stats.".length()));
            assertEquals(official, new TreeSet<>(mine.keySet()));
            for (String n : official) {
                float[] o = f.get("stats." + n).toFloatArray();
                float[] m = mine.get(n).toFloatArray();
                InitStats.assertSameDistribution(n, o, m);
                if (o[1] == 0) for (float v : m) assertEquals(o[0], v, 0f, n); // the layer norms: exactly 1
            }
        }
    }

    @Test
    void theWrittenFolderLoadsAndEncodes(@TempDir Path tmp) {
        Map<String, Tensor> w = T5Init.initialise(CONFIG, 3);
        T5EncoderFolder.write(tmp, CONFIG, w, Map.of());
        assertEquals(CONFIG, T5Config.read(tmp.resolve("config.json")));
        try (Backend be = Backends.cpu(); T5Encoder enc = T5Encoder.load(tmp, be)) {
            Tensor ids = Tensor.ofLongs(new long[] {5, 6, 7, 1, 0, 0}, 1, 6);
            Tensor mask = Tensor.ofLongs(new long[] {1, 1, 1, 1, 0, 0}, 1, 6);
            float[] out = be.download(enc.encode(ids, mask)).toFloatArray();
            assertEquals(6 * CONFIG.dModel(), out.length);
            for (float v : out) assertTrue(Float.isFinite(v));
            // the final RMSNorm (weight 1) leaves each token's hidden state with unit RMS
            double ss = 0;
            for (int i = 0; i < CONFIG.dModel(); i++) ss += out[i] * out[i];
            assertEquals(1.0, Math.sqrt(ss / CONFIG.dModel()), 1e-3);
        }
        assertArrayEquals(T5Init.initialise(CONFIG, 3).get("shared.weight").toFloatArray(), w.get("shared.weight").toFloatArray());
    }

    @Test
    void anotherPositionBiasScaleChangesOnlyTheBiasAndScalesTheSameDraws() {
        String bias = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
        double official = T5Init.officialRelativeAttentionBiasStd(CONFIG);
        assertEquals(Math.pow(CONFIG.dModel(), -0.5), official);
        Map<String, Tensor> base = T5Init.initialise(CONFIG, 5), wide = T5Init.initialise(CONFIG, 5, 1.0);
        assertEquals(base.keySet(), wide.keySet());
        for (String n : base.keySet()) {
            if (!n.equals(bias)) assertArrayEquals(base.get(n).toFloatArray(), wide.get(n).toFloatArray(), n);
        }
        float[] b = base.get(bias).toFloatArray(), w = wide.get(bias).toFloatArray();
        for (int i = 0; i < b.length; i++) assertEquals(b[i] / official, w[i], 1e-5 * Math.max(1, Math.abs(w[i])), "draw " + i);
        assertArrayEquals(b, T5Init.initialise(CONFIG, 5, official).get(bias).toFloatArray());
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> T5Init.initialise(CONFIG, 5, bad), "std " + bad);
        }
    }
}
