package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

/**
 * {@code attn}: multi-head self-attention over the image tokens (PixArt's AttentionKVCompress without compression,
 * no qk-norm): qkv with bias, split [q | k | v] along channels, softmax(q k^T / sqrt(d)) v, then proj.
 */
record Attention(Linear qkv, Linear proj, int numHeads) {

    Tensor forward(Backend be, Tensor x) {
        int c = x.dim(2);
        Tensor qkvOut = qkv.forward(be, x); // [B, N, 3C]: reshape(B, N, 3, C).unbind(2)
        Tensor q = be.slice(qkvOut, 2, 0, c);
        Tensor k = be.slice(qkvOut, 2, c, 2 * c);
        Tensor v = be.slice(qkvOut, 2, 2 * c, 3 * c);
        float scale = (float) (1.0 / Math.sqrt(c / numHeads));
        return proj.forward(be, be.attention(q, k, v, numHeads, scale, null, null));
    }
}
