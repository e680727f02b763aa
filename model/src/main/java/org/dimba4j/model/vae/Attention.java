package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

/**
 * The mid-block self-attention of the VAE: diffusers {@code Attention} with one head of C channels, a
 * GroupNorm on the input, a residual connection and rescale factor 1 (the former AttentionBlock).
 * Every pixel attends to every pixel: tokens are the H*W positions in raster order.
 *
 * <p>Keys: {@code group_norm}, {@code to_q}, {@code to_k}, {@code to_v}, {@code to_out.0}; checkpoints saved
 * before diffusers 0.14 name the projections {@code query}, {@code key}, {@code value}, {@code proj_attn}.
 */
final class Attention {
    private final GroupNorm groupNorm;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int channels;

    private Attention(GroupNorm groupNorm, Linear toQ, Linear toK, Linear toV, Linear toOut, int channels) {
        this.groupNorm = groupNorm;
        this.toQ = toQ;
        this.toK = toK;
        this.toV = toV;
        this.toOut = toOut;
        this.channels = channels;
    }

    static Attention load(VaeWeights w, String prefix, int channels, int groups) {
        return new Attention(
                GroupNorm.load(w, prefix + ".group_norm", groups, channels),
                linear(w, prefix, channels, channels, "to_q", "query"),
                linear(w, prefix, channels, channels, "to_k", "key"),
                linear(w, prefix, channels, channels, "to_v", "value"),
                linear(w, prefix, channels, channels, "to_out.0", "proj_attn"),
                channels);
    }

    /** nn.Linear with bias; the first present of {@code names} is used (diffusers name first, then older ones). */
    private static Linear linear(VaeWeights w, String prefix, int in, int out, String... names) {
        String[] weights = new String[names.length], biases = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            weights[i] = prefix + "." + names[i] + ".weight";
            biases[i] = prefix + "." + names[i] + ".bias";
        }
        return new Linear(w.get(weights, out, in), w.get(biases, out));
    }

    Tensor forward(Backend b, Tensor x) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3);
        // [N, C, H, W] -> [N, H*W, C]: one token per pixel
        Tensor tokens = b.permute(groupNorm.forward(b, x).reshape(n, c, h * wd), 0, 2, 1);
        Tensor q = toQ.forward(b, tokens), k = toK.forward(b, tokens), v = toV.forward(b, tokens);
        Tensor attended = b.attention(q, k, v, 1, (float) (1.0 / Math.sqrt(channels)), null, null);
        Tensor out = toOut.forward(b, attended); // to_out.1 is dropout
        out = b.permute(out, 0, 2, 1).reshape(n, c, h, wd);
        return b.add(out, x);
    }
}
