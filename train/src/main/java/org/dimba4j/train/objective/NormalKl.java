package org.dimba4j.train.objective;

/**
 * KL(N(mean1, exp(logvar1)) || N(mean2, exp(logvar2))) per element, in nats, as the official
 * {@code diffusion_utils.normal_kl}: {@code 0.5 (-1 + logvar2 - logvar1 + exp(logvar1 - logvar2)
 * + (mean1 - mean2)^2 exp(-logvar2))}, with its derivative in logvar2 (the only input the learned-sigma loss trains
 * through: mean2 comes from the detached epsilon).
 */
final class NormalKl {
    private NormalKl() {}

    static double value(double mean1, double logvar1, double mean2, double logvar2) {
        double d = mean1 - mean2;
        return 0.5 * (-1.0 + logvar2 - logvar1 + Math.exp(logvar1 - logvar2) + d * d * Math.exp(-logvar2));
    }

    /** d value / d logvar2. */
    static double dLogvar2(double mean1, double logvar1, double mean2, double logvar2) {
        double d = mean1 - mean2;
        return 0.5 * (1.0 - Math.exp(logvar1 - logvar2) - d * d * Math.exp(-logvar2));
    }
}
