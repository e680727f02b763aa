package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

/**
 * {@code cross_attn}: image tokens attend to the caption tokens. The official code packs the valid tokens of every
 * caption into one sequence and gives xformers a block-diagonal mask, so padding tokens are dropped, not attended;
 * here each sample's queries attend to its own caption with the padding keys masked out, which is the same sum.
 */
record MultiHeadCrossAttention(Linear qLinear, Linear kvLinear, Linear proj, int numHeads) {

    /**
     * @param x       image tokens [B, N, C]
     * @param cond    caption tokens [B, L, C]
     * @param keyMask [B, L] with 0 at padding tokens, or null when every token is valid
     */
    Tensor forward(Backend be, Tensor x, Tensor cond, Tensor keyMask) {
        int c = x.dim(2);
        Tensor q = qLinear.forward(be, x);
        Tensor kv = kvLinear.forward(be, cond); // [B, L, 2C]: view(..., 2, H, D).unbind(2): k first
        Tensor k = be.slice(kv, 2, 0, c);
        Tensor v = be.slice(kv, 2, c, 2 * c);
        float scale = (float) (1.0 / Math.sqrt(c / numHeads));
        return proj.forward(be, be.attention(q, k, v, numHeads, scale, keyMask, null));
    }
}
