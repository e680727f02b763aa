package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * The gradient of {@link Backend#attention}'s additive logit bias (T5's relative position bias, when the text encoder
 * is trained). With P = softmax(scale q k^T + bias) per head and dP = dOut v^T, the logits' gradient is
 * dS = P * (dP - rowsum(dP * P)), and the bias, added unchanged to every sample's logits, gets dS summed over the
 * dims it was broadcast along.
 *
 * <p>The fused backward kernel keeps memory O(L) and returns no bias gradient; this one materialises the
 * [B, H, Lq, Lk] probabilities with ordinary ops, which is cheap for the short sequences a text encoder sees and is
 * only run when the bias needs a gradient. Masked keys get logit -1e30, whose exponential is exactly 0, as the
 * kernel drops them; a query row whose keys are all masked has a zero output whatever the bias, so its dS is 0.
 */
final class AttentionBiasGradient {
    /** Added to a masked key's logit: exp underflows to 0 after the max is subtracted. */
    static final float MASKED = -1e30f;

    private AttentionBiasGradient() {}

    static Tensor of(Backend be, Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias,
                     Tensor dOut) {
        Tensor qh = byHead(be, q, heads), kh = byHead(be, k, heads), vh = byHead(be, v, heads);
        Tensor logits = be.add(be.scale(be.matmul(qh, kh, false, true), scale), bias);
        Tensor rowHasKey = null;
        if (keyMask != null) {
            int b = keyMask.dim(0), lk = keyMask.dim(1);
            float[] m = be.download(keyMask).toFloatArray(), add = new float[b * lk], rows = new float[b];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < lk; j++) {
                    boolean kept = m[i * lk + j] != 0f;
                    add[i * lk + j] = kept ? 0f : MASKED;
                    if (kept) rows[i] = 1f;
                }
            }
            logits = be.add(logits, be.upload(Tensor.of(add, b, 1, 1, lk)));
            rowHasKey = be.upload(Tensor.of(rows, b, 1, 1, 1));
        }
        Tensor p = be.softmax(logits);
        Tensor dp = be.matmul(byHead(be, dOut, heads), vh, false, true);
        Tensor ds = be.softmaxBackward(p, dp);
        if (rowHasKey != null) ds = be.mul(ds, rowHasKey);
        return be.sumTo(ds, bias.shape());
    }

    /** [B, L, H*D] -> [B, H, L, D]. */
    private static Tensor byHead(Backend be, Tensor x, int heads) {
        int b = x.dim(0), l = x.dim(1), hd = x.dim(2);
        return be.permute(x.reshape(b, l, heads, hd / heads), 0, 2, 1, 3);
    }
}
