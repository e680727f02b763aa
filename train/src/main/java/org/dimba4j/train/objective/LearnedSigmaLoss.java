package org.dimba4j.train.objective;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.diffusion.BetaSchedule;
import org.dimba4j.model.diffusion.GaussianDiffusion;

/**
 * The official training objective with a learned variance: {@code training_losses} of
 * {@code IDDPM(str(1000), learn_sigma=True, pred_sigma=True)} as {@code scripts/train.py} builds it (loss type MSE,
 * no rescaling, no SNR weighting), evaluated on the host in double precision with its derivative in the model output
 * written out, so the tape only has to backpropagate from the output ({@code TapeBackend.backward(out, dOut)}).
 *
 * <p>The model output [B, 2C, H, W] is split into epsilon (first C channels) and the variance values v in [-1, 1]
 * of the learned range: {@code log var = frac log beta_t + (1 - frac) log posterior_var_t}, {@code frac = (v + 1) / 2}.
 * Per sample:
 * <ul>
 *   <li>{@code mse = mean over C, H, W of (noise - eps)^2};
 *   <li>{@code vb} = KL(q(x_{t-1} | x_t, x0) || p(x_{t-1} | x_t)) in bits per dimension, where p's mean is computed
 *       from the <em>detached</em> epsilon (so vb trains only the variance channels) and p's log variance is the
 *       learned one; at t = 0 it is the discretized Gaussian decoder NLL of x0 instead.
 * </ul>
 * {@code loss = mean over the batch of (mse + vb)}; with a {@link SnrWeighting} (not official, off unless asked for)
 * it is {@code mean of (w_t mse + vb)}, the reported mse staying unweighted. The official arrays are float64 and are rounded to f32 when
 * extracted ({@code _extract_into_tensor}); this rounds them the same way and computes everything after in double.
 */
public final class LearnedSigmaLoss {
    private static final double LN2 = Math.log(2.0);

    /** What the loss head produced: the loss, the per-sample terms and d loss / d model output (like the output). */
    public record Terms(double loss, double[] mse, double[] vb, Tensor dOut) {}

    private final GaussianDiffusion diffusion;
    private final SnrWeighting weighting;

    public LearnedSigmaLoss(GaussianDiffusion diffusion) {
        this(diffusion, SnrWeighting.OFF);
    }

    private LearnedSigmaLoss(GaussianDiffusion diffusion, SnrWeighting weighting) {
        this.diffusion = diffusion;
        this.weighting = weighting;
    }

    /** This objective with the mse term weighted per timestep ({@link SnrWeighting#OFF}: the official one). */
    public LearnedSigmaLoss withWeighting(SnrWeighting w) {
        return new LearnedSigmaLoss(diffusion, w);
    }

    /**
     * Dimba's training process: {@code IDDPM("1000")}, the linear schedule respaced to all 1000 steps (respacing
     * recomputes the betas from alphas_cumprod, as the official SpacedDiffusion does).
     */
    public static LearnedSigmaLoss dimba() {
        GaussianDiffusion full = GaussianDiffusion.of(BetaSchedule.linear(1000));
        return new LearnedSigmaLoss(full.respace(GaussianDiffusion.spaceTimesteps(1000, "1000")));
    }

    /**
     * The terms and the derivative of the loss in {@code out}.
     *
     * @param out   model output [B, 2C, H, W]
     * @param x0    clean latents [B, C, H, W]
     * @param xt    q_sample(x0, t, noise), as the model saw it
     * @param noise the epsilon target
     * @param t     timesteps, one per sample
     */
    public Terms evaluate(Tensor out, Tensor x0, Tensor xt, Tensor noise, int[] t) {
        int b = x0.dim(0), c = x0.dim(1);
        requireShape("x_t", xt, x0.shape());
        requireShape("noise", noise, x0.shape());
        int[] outShape = x0.shape().clone();
        outShape[1] = 2 * c;
        requireShape("model output", out, outShape);
        if (t.length != b) throw new IllegalArgumentException("learned-sigma loss: " + t.length + " timesteps for a batch of " + b);
        int n = (int) (x0.numel() / b); // elements per sample: C * H * W
        int plane = n / c;
        float[] o = out.toFloatArray(), x = x0.toFloatArray(), z = xt.toFloatArray(), e = noise.toFloatArray();
        float[] d = new float[o.length];
        double[] mse = new double[b], vb = new double[b];
        double loss = 0;
        for (int s = 0; s < b; s++) {
            int ts = t[s];
            if (ts < 0 || ts >= diffusion.numTimesteps()) {
                throw new IllegalArgumentException("learned-sigma loss: timestep " + ts + " outside 0.." + (diffusion.numTimesteps() - 1));
            }
            double coef1 = f32(diffusion.posteriorMeanCoef1(ts)), coef2 = f32(diffusion.posteriorMeanCoef2(ts));
            double recip = f32(diffusion.sqrtRecipAlphasCumprod(ts)), recipm1 = f32(diffusion.sqrtRecipm1AlphasCumprod(ts));
            double minLog = f32(diffusion.posteriorLogVarianceClipped(ts)), maxLog = f32(Math.log(diffusion.beta(ts)));
            double dLogvarDv = (maxLog - minLog) / 2; // d log var / d v through frac = (v + 1) / 2
            boolean decoder = ts == 0;
            double w = weighting.weight(diffusion, ts);
            double sq = 0, bound = 0;
            for (int k = 0; k < n; k++) {
                int ch = k / plane, p = k % plane;
                int iIn = s * n + k;
                int iEps = (s * 2 * c + ch) * plane + p, iVar = (s * 2 * c + c + ch) * plane + p;
                double eps = o[iEps], v = o[iVar];
                double diff = eps - e[iIn];
                sq += diff * diff;
                // the batch mean of w mse: d / d eps = 2 w (eps - noise) / (n B)
                d[iEps] = (float) (2 * w * diff / ((double) n * b));

                double frac = (v + 1) / 2;
                double logvar = frac * maxLog + (1 - frac) * minLog;
                double predX0 = recip * z[iIn] - recipm1 * eps; // from the detached epsilon
                double mean = coef1 * predX0 + coef2 * z[iIn];
                double dTerm; // d (term in nats) / d logvar
                if (decoder) {
                    // the NLL at log scale = logvar / 2
                    bound -= DiscretizedGaussianLogLikelihood.value(x[iIn], mean, 0.5 * logvar);
                    dTerm = -0.5 * DiscretizedGaussianLogLikelihood.dLogScale(x[iIn], mean, 0.5 * logvar);
                } else {
                    double trueMean = coef1 * x[iIn] + coef2 * z[iIn];
                    bound += NormalKl.value(trueMean, minLog, mean, logvar);
                    dTerm = NormalKl.dLogvar2(trueMean, minLog, mean, logvar);
                }
                d[iVar] = (float) (dTerm * dLogvarDv / (LN2 * n * b));
            }
            mse[s] = sq / n;
            vb[s] = bound / n / LN2;
            loss += (w * mse[s] + vb[s]) / b;
        }
        return new Terms(loss, mse, vb, Tensor.of(d, out.shape()));
    }

    /** A float64 schedule value as {@code _extract_into_tensor} hands it to the f32 computation. */
    private static double f32(double v) {
        return (float) v;
    }

    private static void requireShape(String what, Tensor tensor, int[] shape) {
        if (!java.util.Arrays.equals(tensor.shape(), shape)) {
            throw new IllegalArgumentException("learned-sigma loss: " + what + " has shape "
                    + java.util.Arrays.toString(tensor.shape()) + ", expected " + java.util.Arrays.toString(shape));
        }
    }
}
