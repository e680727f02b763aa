package org.dimba4j.train.optim;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** clip_grad_norm_'s arithmetic on hand-checkable numbers (the torch comparison is in OptimizerGoldenTest). */
class GradientClippingTest {

    @Test
    void scalesToMaxNormOverAllTensorsTogether() {
        Map<String, Tensor> g = new LinkedHashMap<>();
        g.put("a", Tensor.of(new float[] {3, 0}, 2));
        g.put("b", Tensor.of(new float[] {0, 4}, 1, 2)); // total norm 5
        GradientClipping.Clipped c = GradientClipping.clip(null, g, 0.05);
        assertEquals(5.0, c.totalNorm(), 0);
        float coef = (float) (0.05 / (5 + 1e-6));
        assertEquals(3 * coef, c.gradients().get("a").getFlat(0));
        assertEquals(4 * coef, c.gradients().get("b").getFlat(1));
        // below 0.05 by the 1e-6 torch adds to the norm (1e-8) and f32 rounding
        assertEquals(0.05 * 5 / (5 + 1e-6), GradientClipping.totalNorm(null, c.gradients()), 5e-9);
        assertEquals(3f, g.get("a").getFlat(0), "the input is not modified");
    }

    @Test
    void aSmallNormIsLeftAsItIs() {
        Map<String, Tensor> g = Map.of("a", Tensor.of(new float[] {0.01f, -0.02f}, 2));
        Tensor out = GradientClipping.clip(null, g, 1.0).gradients().get("a");
        assertEquals(0.01f, out.getFlat(0));
        assertEquals(-0.02f, out.getFlat(1));
    }

    @Test
    void rejectsANonPositiveMaxAndANonFiniteNorm() {
        Map<String, Tensor> g = Map.of("a", Tensor.of(new float[] {Float.NaN}, 1));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clip(null, g, 0));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clip(null, g, 1));
    }
}
