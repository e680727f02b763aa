package org.dimba4j.model.diffusion;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The discrete DDPM process of the official code (gaussian_diffusion.GaussianDiffusion, with respace.py's
 * SpacedDiffusion): float64 arrays of the betas and everything derived from them, for the IDDPM and DDIM
 * samplers. A respaced process keeps a subset of the original timesteps; {@link #timestepMap} sends its
 * step index back to the original timestep, which is what the model sees.
 */
public final class GaussianDiffusion {
    final double[] betas;
    final double[] alphasCumprod;
    final double[] alphasCumprodPrev;
    final double[] sqrtRecipAlphasCumprod;
    final double[] sqrtRecipm1AlphasCumprod;
    final double[] posteriorLogVarianceClipped;
    final double[] posteriorMeanCoef1;
    final double[] posteriorMeanCoef2;
    final int[] timestepMap;

    private GaussianDiffusion(double[] betas, int[] timestepMap) {
        int n = betas.length;
        for (double b : betas) {
            if (!(b > 0 && b <= 1)) throw new IllegalArgumentException("betas must lie in (0, 1], got " + b);
        }
        this.betas = betas.clone();
        this.timestepMap = timestepMap;
        alphasCumprod = new double[n];
        double acc = 1;
        for (int i = 0; i < n; i++) {
            acc *= 1.0 - betas[i];
            alphasCumprod[i] = acc;
        }
        alphasCumprodPrev = new double[n];
        alphasCumprodPrev[0] = 1.0;
        System.arraycopy(alphasCumprod, 0, alphasCumprodPrev, 1, n - 1);
        sqrtRecipAlphasCumprod = new double[n];
        sqrtRecipm1AlphasCumprod = new double[n];
        double[] posteriorVariance = new double[n];
        posteriorMeanCoef1 = new double[n];
        posteriorMeanCoef2 = new double[n];
        for (int i = 0; i < n; i++) {
            double ac = alphasCumprod[i];
            double prev = alphasCumprodPrev[i];
            sqrtRecipAlphasCumprod[i] = Math.sqrt(1.0 / ac);
            sqrtRecipm1AlphasCumprod[i] = Math.sqrt(1.0 / ac - 1);
            posteriorVariance[i] = betas[i] * (1.0 - prev) / (1.0 - ac);
            posteriorMeanCoef1[i] = betas[i] * Math.sqrt(prev) / (1.0 - ac);
            posteriorMeanCoef2[i] = (1.0 - prev) * Math.sqrt(1.0 - betas[i]) / (1.0 - ac);
        }
        // the posterior variance is 0 at step 0: its log is clipped to the value at step 1
        posteriorLogVarianceClipped = new double[n];
        for (int i = 0; i < n; i++) posteriorLogVarianceClipped[i] = Math.log(posteriorVariance[n > 1 && i == 0 ? 1 : i]);
    }

    /** The full process over {@code betas}, every timestep kept. */
    public static GaussianDiffusion of(double[] betas) {
        int[] map = new int[betas.length];
        for (int i = 0; i < map.length; i++) map[i] = i;
        return new GaussianDiffusion(betas, map);
    }

    /**
     * The process restricted to {@code useTimesteps} (SpacedDiffusion): new betas 1 - abar_t / abar_prev over
     * the kept timesteps, so the kept alphas_cumprod are unchanged.
     */
    public GaussianDiffusion respace(int[] useTimesteps) {
        TreeSet<Integer> use = new TreeSet<>();
        for (int t : useTimesteps) {
            if (t < 0 || t >= betas.length) {
                throw new IllegalArgumentException("timestep " + t + " outside 0.." + (betas.length - 1));
            }
            use.add(t);
        }
        double[] newBetas = new double[use.size()];
        int[] map = new int[use.size()];
        double last = 1.0;
        int k = 0;
        for (int t : use) {
            newBetas[k] = 1 - alphasCumprod[t] / last;
            last = alphasCumprod[t];
            map[k++] = timestepMap[t];
        }
        return new GaussianDiffusion(newBetas, map);
    }

    /**
     * respace.space_timesteps: {@code sections} is "N" or "N1,N2,..." (that many steps taken evenly from each
     * equal section, positions rounded half to even as Python's round), or "ddimN" (the fixed stride of the DDIM
     * paper: range(0, numTimesteps, stride) with exactly N elements).
     */
    public static int[] spaceTimesteps(int numTimesteps, String sections) {
        TreeSet<Integer> steps = new TreeSet<>();
        if (sections.startsWith("ddim")) {
            int desired = Integer.parseInt(sections.substring(4));
            for (int stride = 1; stride < numTimesteps; stride++) {
                if ((numTimesteps + stride - 1) / stride == desired) {
                    for (int t = 0; t < numTimesteps; t += stride) steps.add(t);
                    return steps.stream().mapToInt(Integer::intValue).toArray();
                }
            }
            throw new IllegalArgumentException("cannot create exactly " + desired + " DDIM steps out of "
                    + numTimesteps + " with an integer stride");
        }
        int[] counts = Arrays.stream(sections.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        int sizePer = numTimesteps / counts.length;
        int extra = numTimesteps % counts.length;
        int start = 0;
        for (int i = 0; i < counts.length; i++) {
            int size = sizePer + (i < extra ? 1 : 0);
            if (size < counts[i]) {
                throw new IllegalArgumentException("cannot divide a section of " + size + " steps into " + counts[i]);
            }
            double stride = counts[i] <= 1 ? 1 : (double) (size - 1) / (counts[i] - 1);
            double cur = 0;
            for (int j = 0; j < counts[i]; j++) {
                steps.add(start + (int) Math.rint(cur));
                cur += stride;
            }
            start += size;
        }
        return steps.stream().mapToInt(Integer::intValue).toArray();
    }

    public int numTimesteps() {
        return betas.length;
    }

    /** The original timestep of step index i (what the model is given). */
    public int timestep(int i) {
        return timestepMap[i];
    }

    /** The original timesteps in sampling order, last step index first (e.g. 999, 946, ..., 0). */
    public int[] samplingTimesteps() {
        int n = numTimesteps();
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = timestep(n - 1 - i);
        return t;
    }

    public double alphaCumprod(int i) {
        return alphasCumprod[i];
    }

    public double alphaCumprodPrev(int i) {
        return alphasCumprodPrev[i];
    }

    public double beta(int i) {
        return betas[i];
    }

    /** Coefficient of x0 in the posterior mean of q(x_{t-1} | x_t, x0). */
    public double posteriorMeanCoef1(int i) {
        return posteriorMeanCoef1[i];
    }

    /** Coefficient of x_t in the posterior mean of q(x_{t-1} | x_t, x0). */
    public double posteriorMeanCoef2(int i) {
        return posteriorMeanCoef2[i];
    }

    /** log of the posterior variance, step 0 clipped to step 1 (it is 0 there). */
    public double posteriorLogVarianceClipped(int i) {
        return posteriorLogVarianceClipped[i];
    }

    public double sqrtRecipAlphasCumprod(int i) {
        return sqrtRecipAlphasCumprod[i];
    }

    public double sqrtRecipm1AlphasCumprod(int i) {
        return sqrtRecipm1AlphasCumprod[i];
    }
}
