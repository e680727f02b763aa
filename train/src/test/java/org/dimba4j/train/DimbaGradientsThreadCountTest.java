package org.dimba4j.train;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.train.optim.AdamW;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tiny Dimba's loss and every gradient are the same bits on 1, 2, 3 and 5 CPU threads. */
class DimbaGradientsThreadCountTest {

    @Test
    void gradientsAreTheSameOnEveryThreadCount() {
        Backend cpu = new CpuBackend();
        try (TensorSource fx = TrainFixtures.open("dimba_step.safetensors"); TensorSource weights = TrainFixtures.tinyWeights()) {
            DimbaTrainer trainer = new DimbaTrainer(TrainFixtures.tinyConfig(), Parameters.copyOf(weights, cpu), cpu,
                    EpsilonMseLoss.dimba(), AdamW.of(cpu, 0.03), 1e-3);
            int[] t = TrainFixtures.ints(fx.get("t"));
            Tensor x0 = fx.get("x0").toF32(), noise = fx.get("noise").toF32(), y = fx.get("y").toF32(), mask = fx.get("mask");
            Map<String, float[]> one = null;
            for (int threads : new int[] {1, 2, 3, 5}) {
                Map<String, float[]> got = CpuBackend.withThreads(threads, () -> {
                    DimbaTrainer.Step s = trainer.gradients(x0, t, noise, y, mask);
                    Map<String, float[]> m = new LinkedHashMap<>();
                    m.put("loss", s.loss().toFloatArray());
                    s.gradients().forEach((name, g) -> m.put(name, g.toFloatArray()));
                    return m;
                });
                if (one == null) {
                    one = got;
                    continue;
                }
                assertEquals(one.keySet(), got.keySet(), "gradient names on " + threads + " threads");
                for (var e : one.entrySet()) {
                    assertArrayEquals(e.getValue(), got.get(e.getKey()), e.getKey() + " on " + threads + " threads");
                }
            }
        }
    }
}
