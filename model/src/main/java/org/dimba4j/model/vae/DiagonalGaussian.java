package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.util.Arrays;

/**
 * The encoder's posterior q(z|x) = N(mean, exp(logvar)), diffusers' DiagonalGaussianDistribution.
 * Both tensors are [N, latent, h, w]; logvar is already clamped to [-30, 20].
 */
public record DiagonalGaussian(Tensor mean, Tensor logvar) {

    static final float LOGVAR_MIN = -30f;
    static final float LOGVAR_MAX = 20f;

    /** Splits the moments [N, 2*latent, h, w] into mean and logvar along channels and clamps logvar as diffusers does. */
    static DiagonalGaussian fromMoments(Backend b, Tensor moments) {
        int c2 = moments.dim(1);
        if (c2 % 2 != 0) throw new IllegalArgumentException("posterior moments " + Shape.str(moments.shape()) + " need an even channel count");
        Tensor mean = b.slice(moments, 1, 0, c2 / 2);
        Tensor logvar = clamp(b, b.slice(moments, 1, c2 / 2, c2), LOGVAR_MIN, LOGVAR_MAX);
        return new DiagonalGaussian(mean, logvar);
    }

    /** exp(logvar / 2). */
    public Tensor std(Backend b) {
        return b.exp(b.scale(logvar, 0.5f));
    }

    /** mean + std * noise, with noise ~ N(0, 1) of the posterior's shape (e.g. from a seeded torch generator). */
    public Tensor sample(Backend b, Tensor noise) {
        if (!Arrays.equals(noise.shape(), mean.shape())) {
            throw new IllegalArgumentException("posterior sample: noise has shape " + Shape.str(noise.shape())
                    + ", expected " + Shape.str(mean.shape()));
        }
        return b.add(mean, b.mul(std(b), noise));
    }

    /** The posterior's mode (its mean), what deterministic latent caching uses. */
    public Tensor mode() {
        return mean;
    }

    /**
     * x clamped to [lo, hi] with the ops the backend has: x - relu(x - hi) + relu(lo - x). Values inside the
     * range come back bit-exact (both relu terms are 0), values outside land on the bound.
     */
    private static Tensor clamp(Backend b, Tensor x, float lo, float hi) {
        Tensor above = b.relu(b.affine(x, 1f, -hi));
        Tensor below = b.relu(b.affine(x, -1f, lo));
        return b.add(b.sub(x, above), below);
    }
}
