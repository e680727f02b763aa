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

    /** x [B, L, d_model], keyMask [B, L] (1 = token), positionBias [H, L, L] -> [B, L, d_model]. */
    Tensor forward(Backend be, Tensor x, Tensor keyMask, Tensor positionBias) {
        Tensor qs = be.linear(x, q, null), ks = be.linear(x, k, null), vs = be.linear(x, v, null);
        Tensor ctx = be.attention(qs, ks, vs, heads, 1f, keyMask, positionBias);
        return be.linear(ctx, o, null);
    }
}
