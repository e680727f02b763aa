package org.dimba4j.model.random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bit-exact against torch.randn / torch.rand recorded by tools/fixtures/random/make_fixtures.py. */
class TorchGeneratorTest {
    private static SafetensorsFile fixtures;

    @BeforeAll
    static void open() throws Exception {
        fixtures = SafetensorsFile.open(Path.of(TorchGeneratorTest.class.getResource("/fixtures/random/torch_randn.safetensors").toURI()));
    }

    @AfterAll
    static void close() {
        fixtures.close();
    }

    @Test
    void everyRecordedCaseIsBitExact() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int cases = 0;
        for (Map.Entry<String, String> e : fixtures.metadata().entrySet()) {
            if (e.getKey().equals("torch") || e.getKey().equals("cpu_capability")) continue;
            JsonNode spec = json.readTree(e.getValue());
            TorchGenerator g = new TorchGenerator(spec.get("seed").asLong());
            int call = 0;
            for (JsonNode c : spec.get("calls")) {
                int[] shape = new int[c.get(1).size()];
                for (int i = 0; i < shape.length; i++) shape[i] = c.get(1).get(i).asInt();
                Tensor got = c.get(0).asText().equals("randn") ? g.randn(shape) : g.rand(shape);
                Tensor want = fixtures.get(e.getKey() + "/" + call);
                assertArrayEquals(want.shape(), got.shape(), e.getKey() + "/" + call);
                assertBitExact(want.toFloatArray(), got.floats(), e.getKey() + "/" + call + " " + Arrays.toString(shape));
                call++;
            }
            cases++;
        }
        assertEquals(13, cases, "fixture cases");
    }

    @Test
    void manualSeedResetsEngineAndCachedNormal() {
        TorchGenerator g = new TorchGenerator(11);
        float[] first = g.randn(3).floats(); // leaves a cached value behind
        g.manualSeed(11);
        assertArrayEquals(first, g.randn(3).floats());
        assertNotEquals(first[0], new TorchGenerator(12).randn(3).floats()[0]);
    }

    @Test
    void seedUsesLow32BitsLikeMt19937() {
        assertEquals(new TorchGenerator(5).random(), new TorchGenerator((1L << 32) + 5).random());
    }

    @Test
    void uniformsStayInUnitInterval() {
        TorchGenerator g = new TorchGenerator(3);
        for (int i = 0; i < 10_000; i++) {
            float u = g.uniformFloat();
            assertTrue(u >= 0f && u < 1f, "uniform " + u);
        }
    }

    private static void assertBitExact(float[] want, float[] got, String what) {
        int bad = 0;
        int firstBad = -1;
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                if (firstBad < 0) firstBad = i;
                bad++;
            }
        }
        if (bad > 0) {
            throw new AssertionError(what + ": " + bad + " of " + want.length + " values differ, first at " + firstBad
                    + ": want " + want[firstBad] + " got " + got[firstBad]);
        }
    }
}
