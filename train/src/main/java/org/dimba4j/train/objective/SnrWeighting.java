package org.dimba4j.train.objective;

import org.dimba4j.model.diffusion.GaussianDiffusion;

/**
 * A per-timestep weight of the epsilon mse, from the signal-to-noise ratio {@code SNR_t = abar_t / (1 - abar_t)}:
 * the mse of x0 implied by an epsilon error is the epsilon mse / SNR_t, so an epsilon weight of {@code lambda_t / SNR_t}
 * weighs x0 errors by lambda_t. Here {@code lambda_t = clamp(SNR_t, floor, gamma)}:
 * <ul>
 *   <li>{@code gamma} caps it (Min-SNR-gamma, Hang et al., ICCV 2023; diffusers' {@code --snr_gamma}): at the nearly
 *       clean end the epsilon weight falls as gamma / SNR, so the timesteps whose epsilon target hides under the
 *       latents' own noise (the VAE posterior sample) stop dominating the gradient; the paper uses gamma 5;</li>
 *   <li>{@code floor} keeps it from falling below a level (the truncated-SNR weighting max(SNR, 1) of Salimans and Ho,
 *       ICLR 2022): at the noisy end, where the layout of a picture is decided, the uniform epsilon loss weighs x0
 *       errors by SNR_t (4e-5 at t = 999 on the linear schedule) and a small model never learns those timesteps;
 *       with a floor their x0 errors count at least {@code floor}.</li>
 * </ul>
 * 0 switches either bound off; {@link #OFF} (both 0) is the official objective, every weight exactly 1. The vb term of
 * the learned variance is never weighted.
 */
public record SnrWeighting(double gamma, double floor) {
    /** No weighting: the official objective. */
    public static final SnrWeighting OFF = new SnrWeighting(0, 0);

    public SnrWeighting {
        if (!(gamma >= 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("min-SNR gamma must be a finite number >= 0 (0: off), not " + gamma);
        }
        if (!(floor >= 0) || Double.isInfinite(floor)) {
            throw new IllegalArgumentException("SNR floor must be a finite number >= 0 (0: off), not " + floor);
        }
        if (gamma > 0 && floor > gamma) {
            throw new IllegalArgumentException("SNR floor " + floor + " is above the min-SNR gamma " + gamma);
        }
    }

    /** Min-SNR-gamma alone. */
    public static SnrWeighting minSnr(double gamma) {
        return new SnrWeighting(gamma, 0);
    }

    public boolean off() {
        return gamma == 0 && floor == 0;
    }

    /** The weight of the mse of a sample at timestep {@code t} of {@code diffusion}. */
    public double weight(GaussianDiffusion diffusion, int t) {
        if (off()) return 1;
        double abar = diffusion.alphaCumprod(t);
        double snr = abar / (1 - abar);
        double lambda = gamma > 0 ? Math.min(snr, gamma) : snr;
        return Math.max(lambda, floor) / snr;
    }
}
