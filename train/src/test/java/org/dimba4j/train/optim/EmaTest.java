package org.dimba4j.train.optim;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EMA against PixArt's update_ema in torch (ema.safetensors), and its checkpoint state. */
class EmaTest {

    @Test
    void threeUpdatesMatchTorch() {
        try (TensorSource fx = OptimFixtures.open("/fixtures/optim/ema.safetensors");
             TensorSource adamw = OptimFixtures.open("/fixtures/optim/adamw.safetensors")) {
            Ema ema = new Ema(new CpuBackend(), Double.parseDouble(fx.metadata().get("decay")), named(fx, "start."));
            for (int k = 0; k < 3; k++) {
                ema.update(named(adamw, "after" + k + "."));
                Map<String, Tensor> got = ema.weights();
                for (String n : OptimizerGoldenTest.NAMES) {
                    double rel = OptimFixtures.relativeToMax(fx.get("ema" + k + "." + n), got.get(n));
                    assertTrue(rel < 1e-6, n + " after update " + k + ": " + rel);
                }
            }
            assertEquals(3, ema.updates());
        }
    }

    @Test
    void stateRoundTripsAndTheInputsAreNotAliased() {
        float[] start = {1, 2, 3};
        Map<String, Tensor> p = Map.of("w", Tensor.of(start, 3));
        Ema a = new Ema(null, 0.5, p);
        a.update(Map.of("w", Tensor.of(new float[] {3, 2, 1}, 3)));
        assertEquals(1f, start[0], "the EMA copies its start");
        Ema b = new Ema(null, 0.5, p);
        b.restore(a.state());
        assertEquals(1, b.updates());
        assertTrue(Arrays.equals(new float[] {2, 2, 2}, b.weights().get("w").floats()));
        assertThrows(IllegalArgumentException.class, () -> new Ema(null, 0.9, p).restore(a.state()));
        assertThrows(IllegalArgumentException.class, () -> a.update(Map.of()));
    }

    private static Map<String, Tensor> named(TensorSource s, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : OptimizerGoldenTest.NAMES) out.put(n, s.get(prefix + n).toF32());
        return out;
    }
}
