package org.dimba4j.model.dimba;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.InitStats;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DimbaInit} against the official Dimba built under torch.manual_seed(0)
 * ({@code tools/fixtures/train/official_init.py}): the same tensor names, the deterministic tensors equal, and every
 * random tensor's distribution (mean, std, range, zeros, kurtosis: uniform 1.8 vs normal 3) within sampling error.
 */
class DimbaInitTest {
    private static final DimbaConfig CONFIG = DimbaConfig.load(Fixtures.path("official_init_config.json"));

    @Test
    void sameTensorsAsTheOfficialStateDict() {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path("official_init.safetensors"))) {
            TreeSet<String> official = new TreeSet<>();
            for (String n : f.names()) if (n.startsWith("stats.")) official.add(n.substring(6));
            assertEquals(official, new TreeSet<>(DimbaInit.initialise(CONFIG, 0).keySet()));
            assertEquals(111, official.size());
        }
    }

    @Test
    void deterministicTensorsEqualTheOfficialOnes() {
        Map<String, Tensor> mine = DimbaInit.initialise(CONFIG, 0);
        int checked = 0;
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path("official_init.safetensors"))) {
            for (String n : f.names()) {
                if (!n.startsWith("exact.")) continue;
                String name = n.substring(6);
                Tensor want = f.get(n);
                Tensor got = mine.get(name);
                assertArrayEquals(want.shape(), got.shape(), name);
                float[] w = want.toFloatArray(), g = got.toFloatArray();
                for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], 1e-6, name + "[" + i + "]");
                checked++;
            }
        }
        // pos_embed, 2x(A_log, A_b_log, D, D_b, norm) and the 43 zero tensors (biases, cross_attn.proj, final linear)
        assertEquals(1 + 2 * 5 + 43, checked);
    }

    @Test
    void randomTensorsHaveTheOfficialDistributions() {
        Map<String, Tensor> mine = DimbaInit.initialise(CONFIG, 0);
        int checked = 0;
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path("official_init.safetensors"))) {
            for (String n : f.names()) {
                if (!n.startsWith("stats.")) continue;
                String name = n.substring(6);
                if (f.names().contains("exact." + name)) continue; // compared exactly above
                InitStats.assertSameDistribution(name, f.get(n).toFloatArray(), mine.get(name).toFloatArray());
                checked++;
            }
        }
        assertEquals(111 - 54, checked);
    }

    @Test
    void sameSeedSameWeightsOtherSeedOthers() {
        float[] a = DimbaInit.initialise(CONFIG, 7).get("blocks.1.attn.qkv.weight").toFloatArray();
        float[] b = DimbaInit.initialise(CONFIG, 7).get("blocks.1.attn.qkv.weight").toFloatArray();
        float[] c = DimbaInit.initialise(CONFIG, 8).get("blocks.1.attn.qkv.weight").toFloatArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        // different tensors of one seed are different streams
        float[] d = DimbaInit.initialise(CONFIG, 7).get("blocks.2.attn.qkv.weight").toFloatArray();
        assertFalse(java.util.Arrays.equals(a, d));
    }

    @Test
    void attentionOnlyLeavesOutTheMambaLayers() {
        Map<String, Tensor> m = DimbaInit.initialise(CONFIG, 0, false);
        assertTrue(m.keySet().stream().noneMatch(k -> k.startsWith("mamba_blocks.")));
        assertEquals(DimbaKeys.expected(CONFIG, false).keySet(), m.keySet());
    }
}
