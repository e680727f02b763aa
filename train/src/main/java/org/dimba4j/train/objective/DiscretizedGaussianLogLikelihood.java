package org.dimba4j.train.objective;

/**
 * The decoder term of the variational bound at t = 0, as the official
 * {@code diffusion_utils.discretized_gaussian_log_likelihood}: the log of the mass a Gaussian (mean, exp(logScale))
 * puts on the bin of width 2/255 around x, with the tanh approximation of the normal CDF, the outermost bins open
 * ({@code x < -0.999}: log CDF(plus); {@code x > 0.999}: log(1 - CDF(minus))) and every probability clamped at 1e-12.
 * Latents are not 8-bit images, but the official training applies it to them unchanged, so this does too. In nats.
 */
final class DiscretizedGaussianLogLikelihood {
    private static final double BIN = 1.0 / 255.0, FLOOR = 1e-12;
    private static final double K = Math.sqrt(2.0 / Math.PI), A = 0.044715;

    private DiscretizedGaussianLogLikelihood() {}

    /** approx_standard_normal_cdf. */
    static double cdf(double u) {
        return 0.5 * (1.0 + Math.tanh(K * (u + A * u * u * u)));
    }

    /** d cdf / du. */
    static double cdfDerivative(double u) {
        double th = Math.tanh(K * (u + A * u * u * u));
        return 0.5 * (1.0 - th * th) * K * (1.0 + 3.0 * A * u * u);
    }

    static double value(double x, double mean, double logScale) {
        double inv = Math.exp(-logScale), c = x - mean;
        double plus = cdf(inv * (c + BIN)), min = cdf(inv * (c - BIN));
        if (x < -0.999) return Math.log(Math.max(plus, FLOOR));
        if (x > 0.999) return Math.log(Math.max(1.0 - min, FLOOR));
        return Math.log(Math.max(plus - min, FLOOR));
    }

    /**
     * d value / d logScale. Both CDF arguments are inv * (c +- bin) with inv = exp(-logScale), so each moves by minus
     * itself; where the clamp holds the value is constant (torch's clamp passes no gradient there either).
     */
    static double dLogScale(double x, double mean, double logScale) {
        double inv = Math.exp(-logScale), c = x - mean;
        double uPlus = inv * (c + BIN), uMin = inv * (c - BIN);
        double plus = cdf(uPlus), min = cdf(uMin);
        double dPlus = -uPlus * cdfDerivative(uPlus), dMin = -uMin * cdfDerivative(uMin);
        if (x < -0.999) return plus < FLOOR ? 0 : dPlus / plus;
        if (x > 0.999) return 1.0 - min < FLOOR ? 0 : -dMin / (1.0 - min);
        double delta = plus - min;
        return delta < FLOOR ? 0 : (dPlus - dMin) / delta;
    }
}
