package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.NormGrads;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.kernels.reference.GradCheck.assertGradient;
import static org.dimba4j.kernels.reference.GradCheck.assertRejects;
import static org.dimba4j.kernels.reference.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * LayerNorm, RMSNorm and softmax backward against central differences of the reference forwards (step 1e-2,
 * tolerance 1e-3 absolute + 1e-3 relative), with and without weight, odd channel counts.
 */
class NormBackwardTest {
    private static final ReferenceBackend REF = new ReferenceBackend();
    private static final double H = 1e-2, ATOL = 1e-3, RTOL = 1e-3;

    @Test
    void layerNormWithWeight() {
        Random r = new Random(11);
        Tensor x = randn(r, 2, 3, 2, 13), w = randn(r, 1, 13), bias = randn(r, 1, 13), dy = randn(r, 1, 3, 2, 13);
        float eps = 1e-5f;
        NormGrads g = REF.layerNormBackward(x, w, eps, dy);
        assertGradient("layerNorm dx", x, t -> REF.layerNorm(t, w, bias, eps), dy, g.dx(), H, ATOL, RTOL);
        assertGradient("layerNorm dweight", w, t -> REF.layerNorm(x, t, bias, eps), dy, g.dWeight(), H, ATOL, RTOL);
        assertGradient("layerNorm dbias", bias, t -> REF.layerNorm(x, w, t, eps), dy, g.dBias(), H, ATOL, RTOL);
    }

    @Test
    void layerNormWithoutWeight() {
        Random r = new Random(12);
        Tensor x = randn(r, 1, 5, 7), dy = randn(r, 1, 5, 7);
        NormGrads g = REF.layerNormBackward(x, null, 1e-6f, dy);
        assertNull(g.dWeight(), "no weight, no dWeight");
        assertNull(g.dBias(), "no weight, no dBias");
        assertGradient("layerNorm (no affine) dx", x, t -> REF.layerNorm(t, null, null, 1e-6f), dy, g.dx(), H, ATOL, RTOL);
    }

    @Test
    void rmsNormWithAndWithoutWeight() {
        Random r = new Random(13);
        Tensor x = randn(r, 1, 4, 11), w = randn(r, 1, 11), dy = randn(r, 1, 4, 11);
        NormGrads g = REF.rmsNormBackward(x, w, 1e-6f, dy);
        assertNull(g.dBias(), "RMSNorm has no bias");
        assertGradient("rmsNorm dx", x, t -> REF.rmsNorm(t, w, 1e-6f), dy, g.dx(), H, ATOL, RTOL);
        assertGradient("rmsNorm dweight", w, t -> REF.rmsNorm(x, t, 1e-6f), dy, g.dWeight(), H, ATOL, RTOL);
        NormGrads plain = REF.rmsNormBackward(x, null, 1e-6f, dy);
        assertNull(plain.dWeight(), "no weight, no dWeight");
        assertGradient("rmsNorm (no weight) dx", x, t -> REF.rmsNorm(t, null, 1e-6f), dy, plain.dx(), H, ATOL, RTOL);
    }

    @Test
    void softmaxFromItsOutput() {
        Random r = new Random(14);
        Tensor x = randn(r, 2, 3, 9), dy = randn(r, 1, 3, 9);
        Tensor dx = REF.softmaxBackward(REF.softmax(x), dy);
        assertGradient("softmax dx", x, REF::softmax, dy, dx, H, ATOL, RTOL);
    }

    @Test
    void rejectsAGradientOrWeightOfTheWrongShape() {
        Tensor x = Tensor.zeros(2, 5), w = Tensor.zeros(5);
        assertRejects("layerNormBackward", () -> REF.layerNormBackward(x, w, 1e-5f, Tensor.zeros(5, 2)), "[2, 5]", "[5, 2]");
        assertRejects("layerNormBackward", () -> REF.layerNormBackward(x, Tensor.zeros(4), 1e-5f, x), "weight must be [5]");
        assertRejects("rmsNormBackward", () -> REF.rmsNormBackward(x, w, 1e-5f, Tensor.zeros(2, 6)), "[2, 5]", "[2, 6]");
        assertRejects("softmaxBackward", () -> REF.softmaxBackward(x, Tensor.zeros(10)), "[2, 5]", "[10]");
    }
}
