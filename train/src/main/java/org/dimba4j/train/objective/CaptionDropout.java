package org.dimba4j.train.objective;

import org.dimba4j.kernels.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The caption dropout of the official training ({@code CaptionEmbedder.token_drop} in train mode, with the config's
 * {@code class_dropout_prob}, 0.1 for Dimba): each sample's caption features y [1, L, C] are replaced, with
 * probability p, by the learned null caption {@code y_embedder.y_embedding} [L, C] (drop where
 * {@code rand() < p}), so that the model also learns the unconditional prediction classifier-free guidance needs.
 * The caption mask is left as it is, as the official forward does.
 *
 * <p>The draws are a function of (seed, step, sample) only, not of a running generator, so a resumed run makes the
 * same decisions as an uninterrupted one without saving RNG state.
 */
public final class CaptionDropout {
    /** Dimba's class_dropout_prob (configs/dimba_xl2_img512.py). */
    public static final double DIMBA_PROBABILITY = 0.1;

    private final double probability;
    private final long seed;

    public CaptionDropout(double probability, long seed) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("caption dropout probability must lie in [0, 1], got " + probability);
        }
        this.probability = probability;
        this.seed = seed;
    }

    /** Which samples of a batch of {@code batch} at training step {@code step} have their caption dropped. */
    public boolean[] drops(long step, int batch) {
        // a generator of its own per (seed, step): the seed mixed first, so nearby seeds and steps do not collide
        SplittableRandom r = new SplittableRandom(new SplittableRandom(seed).nextLong() ^ (step * 0x9E3779B97F4A7C15L));
        boolean[] d = new boolean[batch];
        for (int i = 0; i < batch; i++) d[i] = r.nextDouble() < probability;
        return d;
    }

    /**
     * y [B, 1, L, C] with the dropped samples' features replaced by {@code yEmbedding} [L, C]; host tensors, a new one
     * is returned (y itself when nothing is dropped).
     */
    public Tensor apply(Tensor y, Tensor yEmbedding, boolean[] drops) {
        int[] s = y.shape();
        if (s.length != 4 || s[1] != 1) {
            throw new IllegalArgumentException("caption dropout: y has shape " + Arrays.toString(s) + ", expected [B, 1, L, C]");
        }
        if (!Arrays.equals(yEmbedding.shape(), new int[] {s[2], s[3]})) {
            throw new IllegalArgumentException("caption dropout: y_embedding has shape " + Arrays.toString(yEmbedding.shape())
                    + ", expected [" + s[2] + ", " + s[3] + "] (model_max_length, caption_channels) to replace y "
                    + Arrays.toString(s));
        }
        if (drops.length != s[0]) {
            throw new IllegalArgumentException("caption dropout: " + drops.length + " decisions for a batch of " + s[0]);
        }
        boolean any = false;
        for (boolean d : drops) any |= d;
        if (!any) return y;
        float[] out = y.toFloatArray().clone(), nul = yEmbedding.toFloatArray();
        for (int b = 0; b < s[0]; b++) {
            if (drops[b]) System.arraycopy(nul, 0, out, b * nul.length, nul.length);
        }
        return Tensor.of(out, s);
    }
}
