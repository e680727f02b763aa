package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.kernels.reference.GradCheck.assertAllZero;
import static org.dimba4j.kernels.reference.GradCheck.assertGradient;
import static org.dimba4j.kernels.reference.GradCheck.assertRejects;
import static org.dimba4j.kernels.reference.GradCheck.randn;

/**
 * The reference attention backward against central differences of the reference forward: plain, with a key mask
 * (one batch entry fully masked), with shared and batched additive biases, odd sizes. The forward returns f32, so
 * the differences use a step of 1e-2 and agree to 1e-3 absolute + 1e-3 relative (measured worst about 1e-4).
 */
class AttentionBackwardTest {
    private static final ReferenceBackend REF = new ReferenceBackend();
    private static final double H = 1e-2, ATOL = 1e-3, RTOL = 1e-3;

    private static void check(String what, long seed, int b, int lq, int lk, int heads, int d, float scale, Tensor mask,
                              boolean bias, boolean batchedBias) {
        Random r = new Random(seed);
        Tensor q = randn(r, 1, b, lq, heads * d), k = randn(r, 1, b, lk, heads * d), v = randn(r, 1, b, lk, heads * d);
        Tensor bs = !bias ? null : batchedBias ? randn(r, 1, b, heads, lq, lk) : randn(r, 1, heads, lq, lk);
        Tensor dy = randn(r, 1, b, lq, heads * d);
        Tensor out = REF.attention(q, k, v, heads, scale, mask, bs);
        AttentionGrads g = REF.attentionBackward(q, k, v, heads, scale, mask, bs, out, dy);
        assertGradient(what + " dq", q, x -> REF.attention(x, k, v, heads, scale, mask, bs), dy, g.dq(), H, ATOL, RTOL);
        assertGradient(what + " dk", k, x -> REF.attention(q, x, v, heads, scale, mask, bs), dy, g.dk(), H, ATOL, RTOL);
        assertGradient(what + " dv", v, x -> REF.attention(q, k, x, heads, scale, mask, bs), dy, g.dv(), H, ATOL, RTOL);
    }

    @Test
    void plainOddSizes() {
        check("plain", 1, 1, 5, 7, 1, 3, 0.577f, null, false, false);
        check("two heads", 2, 2, 3, 4, 2, 5, 0.45f, null, false, false);
    }

    @Test
    void sharedAndBatchedBias() {
        check("shared bias", 3, 2, 4, 5, 2, 3, 0.5f, null, true, false);
        check("batched bias", 4, 2, 3, 6, 3, 2, 0.7f, null, true, true);
    }

    @Test
    void keyMaskWithAFullyMaskedBatchEntry() {
        int b = 2, lq = 4, lk = 6, heads = 2, d = 3;
        Tensor mask = Tensor.ofLongs(new long[] {1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0}, b, lk);
        check("mask + bias", 5, b, lq, lk, heads, d, 0.6f, mask, true, false);

        Random r = new Random(6);
        Tensor q = randn(r, 1, b, lq, heads * d), k = randn(r, 1, b, lk, heads * d), v = randn(r, 1, b, lk, heads * d);
        Tensor dy = randn(r, 1, b, lq, heads * d);
        AttentionGrads g = REF.attentionBackward(q, k, v, heads, 0.6f, mask, null, REF.attention(q, k, v, heads, 0.6f, mask, null), dy);
        int hd = heads * d;
        assertAllZero("dq of the fully masked batch entry", g.dq().toFloatArray(), lq * hd, 2 * lq * hd);
        assertAllZero("dk of the fully masked batch entry", g.dk().toFloatArray(), lk * hd, 2 * lk * hd);
        assertAllZero("dv of the fully masked batch entry", g.dv().toFloatArray(), lk * hd, 2 * lk * hd);
        assertAllZero("dk of masked key 1", g.dk().toFloatArray(), hd, 2 * hd);
        assertAllZero("dv of masked key 4", g.dv().toFloatArray(), 4 * hd, 5 * hd);
    }

    @Test
    void rejectsAGradientOrOutputOfTheWrongShape() {
        Random r = new Random(7);
        Tensor q = randn(r, 1, 1, 3, 4), k = randn(r, 1, 1, 5, 4), v = randn(r, 1, 1, 5, 4);
        Tensor out = REF.attention(q, k, v, 2, 0.5f, null, null);
        assertRejects("attentionBackward", () -> REF.attentionBackward(q, k, v, 2, 0.5f, null, null, out, Tensor.zeros(1, 5, 4)),
                "[1, 3, 4]", "[1, 5, 4]");
        assertRejects("attentionBackward", () -> REF.attentionBackward(q, k, v, 2, 0.5f, null, null, Tensor.zeros(1, 3, 2), out),
                "[1, 3, 4]", "[1, 3, 2]");
        assertRejects("attention", () -> REF.attentionBackward(q, k, v, 3, 0.5f, null, null, out, out), "3 heads");
    }
}
