package org.dimba4j.train.optim;

import java.util.Arrays;

/**
 * Hyper-parameters of an optimizer besides the learning rate (which the schedule gives per step). A null array or a
 * NaN weight decay means "the optimizer's default": CAME betas (0.9, 0.999, 0.9999), eps (1e-30, 1e-16), weight decay
 * 0 (the official {@code CAMEWrapper} config); AdamW betas (0.9, 0.999), eps 1e-8, weight decay 0.01
 * ({@code torch.optim.AdamW}).
 */
public record OptimizerSettings(double weightDecay, double[] betas, double[] eps) {
    public OptimizerSettings {
        betas = betas == null ? null : betas.clone();
        eps = eps == null ? null : eps.clone();
    }

    /** Every hyper-parameter at the optimizer's default. */
    public static OptimizerSettings defaults() {
        return new OptimizerSettings(Double.NaN, null, null);
    }

    public OptimizerSettings withWeightDecay(double wd) {
        return new OptimizerSettings(wd, betas, eps);
    }

    double weightDecayOr(double dflt) {
        return Double.isNaN(weightDecay) ? dflt : weightDecay;
    }

    /** The betas, or {@code dflt}; a given array must have {@code dflt.length} entries. */
    double[] betasOr(String optimizer, double[] dflt) {
        return sized(optimizer, "betas", betas, dflt);
    }

    double[] epsOr(String optimizer, double[] dflt) {
        return sized(optimizer, "eps", eps, dflt);
    }

    private static double[] sized(String optimizer, String what, double[] given, double[] dflt) {
        if (given == null) return dflt.clone();
        if (given.length != dflt.length) {
            throw new IllegalArgumentException(optimizer + " takes " + dflt.length + " " + what + ", got "
                    + given.length + ": " + Arrays.toString(given));
        }
        return given.clone();
    }

    @Override
    public String toString() {
        return "OptimizerSettings[weightDecay=" + weightDecay + ", betas=" + Arrays.toString(betas) + ", eps="
                + Arrays.toString(eps) + "]";
    }
}
