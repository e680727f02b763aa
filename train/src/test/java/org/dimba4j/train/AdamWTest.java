package org.dimba4j.train;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW against torch.optim.AdamW (three tensors, three steps, gradients of mixed scales: adamw.safetensors). */
class AdamWTest {

    @Test
    void threeStepsMatchTorch() {
        for (var be : new org.dimba4j.kernels.Backend[] {new ReferenceBackend(), new CpuBackend()}) {
            try (TensorSource fx = TrainFixtures.open("adamw.safetensors")) {
                AdamW opt = AdamW.of(be, 1e-3, 0.03);
                Map<String, Tensor> params = new HashMap<>();
                for (int i = 0; i < 3; i++) params.put("p" + i, be.upload(fx.get("p" + i + ".start").toF32()));
                for (int step = 0; step < 3; step++) {
                    Map<String, Tensor> grads = new HashMap<>();
                    for (int i = 0; i < 3; i++) grads.put("p" + i, fx.get("p" + i + ".grad" + step).toF32());
                    params.putAll(opt.step(params, grads));
                    for (int i = 0; i < 3; i++) {
                        Tensor expected = fx.get("p" + i + ".step" + step);
                        double rel = TrainFixtures.relativeToMax(expected, be.download(params.get("p" + i)));
                        // f32 ops in a slightly different order than torch's fused ones: a few ulps of |p|
                        assertTrue(rel < 1e-6, be.name() + " p" + i + " after step " + step + ": " + rel);
                    }
                }
            }
        }
    }

    @Test
    void aParameterWithoutGradientIsLeftAlone() {
        var be = new ReferenceBackend();
        AdamW opt = AdamW.of(be, 1e-3, 0.03);
        Tensor p = Tensor.of(new float[] {1, 2}, 2);
        Map<String, Tensor> out = opt.step(Map.of("p", p), Map.of());
        assertTrue(out.isEmpty());
        assertNull(opt.firstMoment("p"));
    }

    @Test
    void firstStepIsSignDescentPlusDecay() {
        // step 1: m / (sqrt(v) / sqrt(1 - b2) + eps) * lr / (1 - b1) = lr * g / (|g| + eps')
        var be = new ReferenceBackend();
        Tensor p = Tensor.of(new float[] {1f, -2f}, 2), g = Tensor.of(new float[] {0.5f, -3f}, 2);
        Tensor next = AdamW.of(be, 0.1, 0.5).step("p", p, g);
        assertEquals(1f * (1 - 0.05f) - 0.1f, next.getFlat(0), 1e-6);
        assertEquals(-2f * (1 - 0.05f) + 0.1f, next.getFlat(1), 1e-6);
    }

    @Test
    void rejectsBadHyperParametersAndShapes() {
        var be = new ReferenceBackend();
        assertThrows(IllegalArgumentException.class, () -> new AdamW(be, 1e-3, 1.0, 0.999, 1e-8, 0));
        var e = assertThrows(IllegalArgumentException.class,
                () -> AdamW.of(be, 1e-3, 0).step("w", Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertTrue(e.getMessage().contains("gradient of w"), e.getMessage());
    }
}
