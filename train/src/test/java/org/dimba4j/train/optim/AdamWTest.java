package org.dimba4j.train.optim;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
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
        for (Backend be : new Backend[] {new ReferenceBackend(), new CpuBackend()}) {
            try (TensorSource fx = OptimFixtures.open("/fixtures/train/adamw.safetensors")) {
                AdamW opt = AdamW.of(be, 0.03);
                Map<String, Tensor> params = new HashMap<>();
                for (int i = 0; i < 3; i++) params.put("p" + i, be.upload(fx.get("p" + i + ".start").toF32()));
                for (int step = 0; step < 3; step++) {
                    Map<String, Tensor> grads = new HashMap<>();
                    for (int i = 0; i < 3; i++) grads.put("p" + i, fx.get("p" + i + ".grad" + step).toF32());
                    params.putAll(opt.step(params, grads, 1e-3));
                    for (int i = 0; i < 3; i++) {
                        Tensor expected = fx.get("p" + i + ".step" + step);
                        double rel = OptimFixtures.relativeToMax(expected, be.download(params.get("p" + i)));
                        assertTrue(rel < 1e-6, be.name() + " p" + i + " after step " + step + ": " + rel);
                    }
                }
            }
        }
    }

    @Test
    void aParameterWithoutGradientIsLeftAlone() {
        AdamW opt = AdamW.of(null, 0.03);
        Tensor p = Tensor.of(new float[] {1, 2}, 2);
        Map<String, Tensor> out = opt.step(Map.of("p", p), Map.of(), 1e-3);
        assertTrue(out.isEmpty());
        assertNull(opt.firstMoment("p"));
    }

    @Test
    void firstStepIsSignDescentPlusDecayAndLeavesTheInputAlone() {
        // step 1: m / (sqrt(v) / sqrt(1 - b2) + eps) * lr / (1 - b1) = lr * g / (|g| + eps')
        Tensor p = Tensor.of(new float[] {1f, -2f}, 2), g = Tensor.of(new float[] {0.5f, -3f}, 2);
        Tensor next = AdamW.of(null, 0.5).step("p", p, g, 0.1);
        assertEquals(1f * (1 - 0.05f) - 0.1f, next.getFlat(0), 1e-6);
        assertEquals(-2f * (1 - 0.05f) + 0.1f, next.getFlat(1), 1e-6);
        assertEquals(1f, p.getFlat(0));
    }

    @Test
    void rejectsBadHyperParametersAndShapes() {
        assertThrows(IllegalArgumentException.class, () -> new AdamW(null, 1.0, 0.999, 1e-8, 0));
        var e = assertThrows(IllegalArgumentException.class,
                () -> AdamW.of(null, 0).step("w", Tensor.zeros(2, 3), Tensor.zeros(3, 2), 1e-3));
        assertTrue(e.getMessage().contains("gradient of w"), e.getMessage());
    }
}
