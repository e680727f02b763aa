package org.dimba4j.model.diffusion;

import java.util.Locale;

/**
 * The DDPM beta schedules of the official code (gaussian_diffusion.get_named_beta_schedule), in float64
 * like there. Dimba trains and samples with "linear", 1000 steps.
 */
public final class BetaSchedule {
    private BetaSchedule() {}

    /** The schedule called {@code name} ("linear" or "squaredcos_cap_v2") over {@code steps} steps. */
    public static double[] named(String name, int steps) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "linear" -> linear(steps);
            case "squaredcos_cap_v2", "cosine" -> cosine(steps);
            default -> throw new IllegalArgumentException("unknown beta schedule '" + name
                    + "' (expected linear or squaredcos_cap_v2)");
        };
    }

    /** Ho et al.'s linear betas 1e-4 .. 0.02, scaled by 1000 / steps so any step count covers the same range. */
    public static double[] linear(int steps) {
        double scale = 1000.0 / steps;
        return linspace(scale * 0.0001, scale * 0.02, steps);
    }

    /** Nichol and Dhariwal's cosine schedule, betas capped at 0.999. */
    public static double[] cosine(int steps) {
        double[] betas = new double[steps];
        for (int i = 0; i < steps; i++) {
            double t1 = (double) i / steps;
            double t2 = (double) (i + 1) / steps;
            betas[i] = Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
        }
        return betas;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** numpy.linspace: start + i * step, the last value exactly {@code stop}. */
    static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) y[i] = i * step + start;
        y[num - 1] = stop;
        return y;
    }
}
