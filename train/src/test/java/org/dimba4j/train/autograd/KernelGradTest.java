package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.train.autograd.GradCheck.check;
import static org.dimba4j.train.autograd.GradCheck.rand;

/** The ops with backward kernels of their own (attention, norms, softmax, convolutions, selective scan), against finite differences. */
class KernelGradTest {
    static final double TOL = 3e-3;
    final Random r = new Random(4);

    @Test
    void attentionWithKeyMaskAndBias() {
        int b = 2, lq = 3, lk = 4, heads = 2, d = 3;
        Tensor q = rand(r, 1f, b, lq, heads * d), k = rand(r, 1f, b, lk, heads * d), v = rand(r, 1f, b, lk, heads * d);
        Tensor mask = Tensor.of(new float[] {1, 1, 0, 1, 1, 1, 1, 0}, b, lk);
        Tensor bias = rand(r, 0.5f, heads, lq, lk);
        check("attention", TOL, (be, x) -> be.attention(x[0], x[1], x[2], heads, 0.6f, null, null), q, k, v);
        check("attention masked with bias", TOL, (be, x) -> be.attention(x[0], x[1], x[2], heads, 0.6f, mask, bias), q, k, v);
    }

    @Test
    void attentionBiasGetsItsGradientSharedOrPerSample() {
        int b = 3, lq = 3, lk = 4, heads = 2, d = 3;
        Tensor q = rand(r, 1f, b, lq, heads * d), k = rand(r, 1f, b, lk, heads * d), v = rand(r, 1f, b, lk, heads * d);
        // the third sample masks every key: its output is zero whatever the bias, so it adds nothing to the gradient
        Tensor mask = Tensor.of(new float[] {1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0}, b, lk);
        check("attention, shared bias", TOL, (be, x) -> be.attention(x[0], x[1], x[2], heads, 0.6f, mask, x[3]),
                q, k, v, rand(r, 0.5f, heads, lq, lk));
        check("attention, per-sample bias", TOL, (be, x) -> be.attention(x[0], x[1], x[2], heads, 0.6f, null, x[0 + 3]),
                q, k, v, rand(r, 0.5f, b, heads, lq, lk));
    }

    @Test
    void layerNormWithAndWithoutAffine() {
        Tensor x = rand(r, 1f, 2, 3, 6), w = rand(r, 1f, 6), bias = rand(r, 1f, 6);
        check("layerNorm affine", TOL, (be, t) -> be.layerNorm(t[0], t[1], t[2], 1e-5f), x, w, bias);
        check("layerNorm weight only", TOL, (be, t) -> be.layerNorm(t[0], t[1], null, 1e-5f), x, w);
        check("layerNorm bias only", TOL, (be, t) -> be.layerNorm(t[0], null, t[1], 1e-5f), x, bias);
        check("layerNorm plain", TOL, (be, t) -> be.layerNorm(t[0], null, null, 1e-6f), x);
    }

    @Test
    void groupNormWithAndWithoutAffine() {
        Tensor x = rand(r, 1f, 2, 6, 3, 4), w = rand(r, 1f, 6), bias = rand(r, 1f, 6);
        check("groupNorm affine", TOL, (be, t) -> be.groupNorm(t[0], 3, t[1], t[2], 1e-6f), x, w, bias);
        check("groupNorm one group per channel", TOL, (be, t) -> be.groupNorm(t[0], 6, t[1], t[2], 1e-6f), x, w, bias);
        check("groupNorm plain, one group", TOL, (be, t) -> be.groupNorm(t[0], 1, null, null, 1e-6f), x);
        check("groupNorm [N, C, L]", TOL, (be, t) -> be.groupNorm(t[0], 2, t[1], null, 1e-6f), rand(r, 1f, 3, 4, 5), rand(r, 1f, 4));
    }

    @Test
    void rmsNormAndSoftmax() {
        Tensor x = rand(r, 1f, 3, 7), w = rand(r, 1f, 7);
        check("rmsNorm", TOL, (be, t) -> be.rmsNorm(t[0], t[1], 1e-5f), x, w);
        check("rmsNorm plain", TOL, (be, t) -> be.rmsNorm(t[0], null, 1e-5f), x);
        check("softmax", TOL, (be, t) -> be.softmax(t[0]), x);
    }

    @Test
    void conv2dPatchEmbedAndPaddedGrouped() {
        Tensor x = rand(r, 1f, 2, 4, 6, 6);
        check("conv2d patch embed", TOL, (be, t) -> be.conv2d(t[0], t[1], t[2], 2, 2, 0, 0, 1), x, rand(r, 0.5f, 5, 4, 2, 2), rand(r, 0.5f, 5));
        check("conv2d padded grouped", TOL, (be, t) -> be.conv2d(t[0], t[1], null, 1, 2, 1, 1, 2), x, rand(r, 0.5f, 6, 2, 3, 3));
    }

    @Test
    void causalConv1d() {
        Tensor x = rand(r, 1f, 2, 7, 3);
        check("causalConv1d", TOL, (be, t) -> be.causalConv1d(t[0], t[1], t[2]), x, rand(r, 0.5f, 3, 1, 4), rand(r, 0.5f, 3));
        check("causalConv1d [C, K] no bias", TOL, (be, t) -> be.causalConv1d(t[0], t[1], null), x, rand(r, 0.5f, 3, 4));
    }

    @Test
    void selectiveScanEveryOperand() {
        int b = 2, l = 5, e = 3, n = 4;
        Tensor u = rand(r, 1f, b, l, e), delta = rand(r, 0.5f, b, l, e), bm = rand(r, 1f, b, l, n), cm = rand(r, 1f, b, l, n);
        float[] a = rand(r, 1f, e, n).toFloatArray();
        for (int i = 0; i < a.length; i++) a[i] = -0.2f - Math.abs(a[i]);
        Tensor am = Tensor.of(a, e, n), d = rand(r, 1f, e), z = rand(r, 1f, b, l, e), db = rand(r, 0.3f, e);
        check("selectiveScan full", 5e-3, (be, t) -> be.selectiveScan(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], true),
                u, delta, am, bm, cm, d, z, db);
        check("selectiveScan bare", 5e-3, (be, t) -> be.selectiveScan(t[0], t[1], t[2], t[3], t[4], null, null, null, false),
                u, ElementwiseGradTest.awayFromZero(delta), am, bm, cm);
    }
}
