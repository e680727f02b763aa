package org.dimba4j.model.t5;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * T5 self-attention ({@code SelfAttention.q/k/v/o}, no biases). Unlike most transformers the logits are NOT
 * scaled by 1/sqrt(d_kv): T5 folds that into its initialisation. The position bias is added to the logits.
 */
final class T5Attention {
    private final Tensor q, k, v, o;
    private final int heads;

    T5Attention(Tensor q, Tensor k, Tensor v, Tensor o, int heads) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.o = o;
        this.heads = heads;
    }

    /**
     * x [B, L, d_model], keyMask [B, L] (1 = token), positionBias [H, L, L], fullyMaskedRows from
     * {@link #fullyMaskedRows} (null when no row masks every key) -> [B, L, d_model].
     */
    Tensor forward(Backend be, Tensor x, Tensor keyMask, Tensor positionBias, Tensor fullyMaskedRows) {
        Tensor qs = be.linear(x, q, null), ks = be.linear(x, k, null), vs = be.linear(x, v, null);
        Tensor ctx = be.attention(qs, ks, vs, heads, 1f, keyMask, positionBias);
        if (fullyMaskedRows != null) {
            // transformers does not drop masked keys, it adds finfo(f32).min to their logits: in a row that masks
            // every key, each (q.k + position bias) + min rounds to min itself (an ulp there is 2e31), so its
            // softmax is exactly uniform over ALL keys and every query gets the per-head mean of V.
            // Backend.attention gives zeros for such a row; add the mean there (and exactly 0 elsewhere).
            ctx = be.add(ctx, be.mul(be.mean(vs, 1), fullyMaskedRows));
        }
        return be.linear(ctx, o, null);
    }

    /**
     * [B, 1, 1] with 1 for the batch rows of {@code keyMask} [B, L] whose keys are all masked (0) and 0 for the
     * others, or null when there is no such row (the common case, which then costs nothing).
     */
    static Tensor fullyMaskedRows(Backend be, Tensor keyMask) {
        if (keyMask == null) return null;
        int rows = keyMask.dim(0), len = keyMask.dim(1);
        float[] m = keyMask.toFloatArray(), sel = new float[rows];
        boolean any = false;
        for (int b = 0; b < rows; b++) {
            boolean allMasked = true;
            for (int j = 0; j < len && allMasked; j++) allMasked = m[b * len + j] == 0f;
            sel[b] = allMasked ? 1f : 0f;
            any |= allMasked;
        }
        return any ? be.upload(Tensor.of(sel, rows, 1, 1)) : null;
    }
}
