package org.dimba4j.model.diffusion;

/**
 * The continuous-time view of a discrete DDPM that DPM-Solver integrates (NoiseScheduleVP('discrete') of the
 * official dpm_solver.py): step n of N sits at time t_n = (n + 1) / N, log alpha_t = 0.5 log(abar_n) is
 * interpolated linearly between those points (and extrapolated from the end segments), sigma_t =
 * sqrt(1 - alpha_t^2) and lambda_t = log alpha_t - log sigma_t (the half log-SNR).
 *
 * <p>As in the official code the table is kept in float32 (log alpha from float64 cumulative sums, then
 * rounded; t from float32 linspace); the interpolation itself is evaluated in double here.
 */
public final class NoiseScheduleVP {
    private final float[] tArray;
    private final float[] logAlphaArray;

    private NoiseScheduleVP(float[] tArray, float[] logAlphaArray) {
        this.tArray = tArray;
        this.logAlphaArray = logAlphaArray;
    }

    /** From DDPM betas, with the official clip of log-SNR below -5.1 at the noisy end (inactive for "linear"). */
    public static NoiseScheduleVP discrete(double[] betas) {
        double[] logAlphas = new double[betas.length];
        double acc = 0;
        for (int i = 0; i < betas.length; i++) {
            acc += Math.log(1 - betas[i]);
            logAlphas[i] = 0.5 * acc;
        }
        int n = clippedLength(logAlphas, -5.1);
        float[] la = new float[n];
        for (int i = 0; i < n; i++) la[i] = (float) logAlphas[i];
        float[] t = torchLinspace(0f, 1f, n + 1);
        float[] tArray = new float[n];
        System.arraycopy(t, 1, tArray, 0, n);
        return new NoiseScheduleVP(tArray, la);
    }

    /** numerical_clip_alpha: drops the trailing steps whose lambda is below {@code clippedLambda}. */
    private static int clippedLength(double[] logAlphas, double clippedLambda) {
        int below = 0; // searchsorted(flip(lambdas), clippedLambda): how many lambdas (from the end) are < it
        for (int i = logAlphas.length - 1; i >= 0; i--) {
            double lam = logAlphas[i] - 0.5 * Math.log(1 - Math.exp(2 * logAlphas[i]));
            if (lam < clippedLambda) below++;
            else break;
        }
        return logAlphas.length - below;
    }

    /** torch.linspace in float32 (the CPU kernel fills the first half from start and the second from end). */
    static float[] torchLinspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) out[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
        return out;
    }

    /** The number of discrete steps N (1/N is the smallest time, 1 the largest). */
    public int totalN() {
        return tArray.length;
    }

    /** log alpha_t. */
    public double marginalLogMeanCoeff(double t) {
        return interpolate(t, tArray, logAlphaArray, false);
    }

    public double marginalAlpha(double t) {
        return Math.exp(marginalLogMeanCoeff(t));
    }

    /** sigma_t = sqrt(1 - alpha_t^2). */
    public double marginalStd(double t) {
        return Math.sqrt(1 - Math.exp(2 * marginalLogMeanCoeff(t)));
    }

    /** lambda_t = log alpha_t - log sigma_t. */
    public double marginalLambda(double t) {
        double lmc = marginalLogMeanCoeff(t);
        return lmc - 0.5 * Math.log(1 - Math.exp(2 * lmc));
    }

    /**
     * lambda_t evaluated in float32 as torch does it; near t = 1/N, log(1 - exp(2 log alpha)) cancels and this
     * differs from {@link #marginalLambda} by ~1e-5 relative. The logSNR step grid is built from these values.
     */
    public float marginalLambdaF32(float t) {
        float lmc = (float) marginalLogMeanCoeff(t);
        float logStd = 0.5f * (float) Math.log(1f - (float) Math.exp(2f * lmc));
        return lmc - logStd;
    }

    /** The time whose lambda is {@code lambda}. */
    public double inverseLambda(double lambda) {
        double logAlpha = -0.5 * logAddExp(0, -2 * lambda);
        return interpolate(logAlpha, logAlphaArray, tArray, true);
    }

    /** The model's time input for continuous time t: the discrete step 1000 * (t - 1/N), in float32 as torch. */
    public float modelTime(float t) {
        return (t - (float) (1.0 / totalN())) * 1000f;
    }

    private static double logAddExp(double a, double b) {
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }

    /**
     * Piecewise-linear interpolation through (xp[i], yp[i]) with linear extrapolation from the end segments
     * (interpolate_fn). {@code reversed}: xp is given in descending order.
     */
    private static double interpolate(double x, float[] xp, float[] yp, boolean reversed) {
        int k = xp.length;
        // index helpers so that the code below sees xp ascending
        int lo = 0;
        int hi = k - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (x >= at(xp, mid, reversed)) lo = mid;
            else hi = mid;
        }
        if (x < at(xp, 0, reversed)) {
            lo = 0;
            hi = 1;
        }
        double x0 = at(xp, lo, reversed);
        double x1 = at(xp, hi, reversed);
        double y0 = at(yp, lo, reversed);
        double y1 = at(yp, hi, reversed);
        return y0 + (x - x0) * (y1 - y0) / (x1 - x0);
    }

    private static double at(float[] a, int i, boolean reversed) {
        return a[reversed ? a.length - 1 - i : i];
    }
}
