package org.dimba4j.train.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.vae.DiagonalGaussian;

/**
 * The VAE objective: reconstruction error plus a weighted KL divergence of the posterior from N(0, I), as the
 * latent-diffusion autoencoders are trained (without their LPIPS and GAN terms, which need networks we do not have;
 * flat-coloured scenes need neither). Both terms are means over elements, so {@code klWeight} is independent of the
 * image and latent sizes: reconstruction = mean (x_rec - x)^2, kl = mean 0.5 (mu^2 + exp(logvar) - 1 - logvar).
 * The KL keeps the latent near unit scale and smooth, which the denoiser later relies on.
 */
public record VaeLoss(float klWeight) {
    public VaeLoss {
        if (!(klWeight >= 0) || Float.isInfinite(klWeight)) throw new IllegalArgumentException("KL weight must be >= 0, not " + klWeight);
    }

    /** The loss (a [1] tensor on {@code be}, recorded when {@code be} is a tape) and its two terms. */
    public record Terms(Tensor loss, Tensor reconstruction, Tensor kl) {}

    public Terms evaluate(Backend be, Tensor reconstruction, Tensor target, DiagonalGaussian posterior) {
        Tensor diff = be.sub(reconstruction, target);
        Tensor rec = meanOfAll(be, be.mul(diff, diff));
        Tensor mu = posterior.mean(), logvar = posterior.logvar();
        Tensor perElement = be.sub(be.add(be.mul(mu, mu), be.exp(logvar)), be.affine(logvar, 1f, 1f));
        Tensor kl = be.scale(meanOfAll(be, perElement), 0.5f);
        Tensor loss = klWeight == 0 ? rec : be.add(rec, be.scale(kl, klWeight));
        return new Terms(loss, rec, kl);
    }

    private static Tensor meanOfAll(Backend be, Tensor t) {
        return be.mean(t.reshape(-1), 0);
    }
}
