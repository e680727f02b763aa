package org.dimba4j.train;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.diffusion.BetaSchedule;
import org.dimba4j.model.diffusion.GaussianDiffusion;
import org.dimba4j.train.objective.SnrWeighting;

/**
 * The denoising loss of the official training (PixArt/IDDPM {@code GaussianDiffusion.training_losses} with
 * {@code model_mean_type} EPSILON, {@code loss_type} MSE): the noisy input
 * {@code x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) noise} (q_sample), and the "mse" term
 * {@code mean over C, H, W of (model_output[:, :C] - noise)^2}, averaged over the batch.
 *
 * <p>With {@code learn_sigma} the official loss adds the variational-bound term "vb" for the predicted variance
 * channels (on the detached epsilon): that is {@link org.dimba4j.train.objective.LearnedSigmaLoss}, which
 * {@link DimbaTrainer} uses then; here the variance channels get no gradient.
 */
public final class EpsilonMseLoss {
    private final GaussianDiffusion diffusion;
    private final SnrWeighting weighting;

    public EpsilonMseLoss(GaussianDiffusion diffusion) {
        this(diffusion, SnrWeighting.OFF);
    }

    private EpsilonMseLoss(GaussianDiffusion diffusion, SnrWeighting weighting) {
        this.diffusion = diffusion;
        this.weighting = weighting;
    }

    /** This loss with each sample's mse weighted by its timestep ({@link SnrWeighting#OFF}: the official one). */
    public EpsilonMseLoss withWeighting(SnrWeighting w) {
        return new EpsilonMseLoss(diffusion, w);
    }

    public SnrWeighting weighting() {
        return weighting;
    }

    /** Dimba's training process: the linear schedule over 1000 steps. */
    public static EpsilonMseLoss dimba() {
        return new EpsilonMseLoss(GaussianDiffusion.of(BetaSchedule.linear(1000)));
    }

    /**
     * q_sample: x_t for latents x0 [B, C, H, W], integer timesteps t (one per sample) and noise like x0. The
     * coefficients are the float64 schedule rounded to f32, as {@code _extract_into_tensor} does.
     */
    public Tensor qSample(Backend be, Tensor x0, int[] t, Tensor noise) {
        int b = x0.dim(0);
        if (t.length != b) throw new IllegalArgumentException("qSample: " + t.length + " timesteps for a batch of " + b);
        float[] signal = new float[b], sigma = new float[b];
        for (int i = 0; i < b; i++) {
            if (t[i] < 0 || t[i] >= diffusion.numTimesteps()) {
                throw new IllegalArgumentException("qSample: timestep " + t[i] + " outside 0.." + (diffusion.numTimesteps() - 1));
            }
            double abar = diffusion.alphaCumprod(t[i]);
            signal[i] = (float) Math.sqrt(abar);
            sigma[i] = (float) Math.sqrt(1.0 - abar);
        }
        Tensor a = be.upload(Tensor.of(signal, b, 1, 1, 1)), s = be.upload(Tensor.of(sigma, b, 1, 1, 1));
        return be.add(be.mul(x0, a), be.mul(noise, s));
    }

    /** The timesteps as the model's float input [B]. */
    public static Tensor timesteps(int[] t) {
        float[] f = new float[t.length];
        for (int i = 0; i < t.length; i++) f[i] = t[i];
        return Tensor.of(f, t.length);
    }

    /**
     * The loss [1]: mean over the batch of mean over (C, H, W) of (epsilon - noise)^2, where epsilon is the first C
     * channels of {@code modelOutput} [B, C or 2C, H, W] (the rest, the learned variance, is not used).
     */
    public Tensor mse(Backend be, Tensor modelOutput, Tensor noise) {
        return mse(be, modelOutput, noise, null);
    }

    /**
     * As {@link #mse(Backend, Tensor, Tensor)}, each sample's term weighted by {@link #weighting()} at its timestep
     * {@code t} (the official loss when the weighting is off or {@code t} is null).
     */
    public Tensor mse(Backend be, Tensor modelOutput, Tensor noise, int[] t) {
        int b = noise.dim(0), c = noise.dim(1);
        Tensor eps = modelOutput.dim(1) == c ? modelOutput : be.slice(modelOutput, 1, 0, c);
        Tensor diff = be.sub(eps, noise);
        Tensor perSample = be.mean(be.mul(diff, diff).reshape(b, -1), 1).reshape(b); // mean_flat: [B]
        if (t != null && !weighting.off()) {
            if (t.length != b) throw new IllegalArgumentException("mse: " + t.length + " timesteps for a batch of " + b);
            float[] w = new float[b];
            for (int i = 0; i < b; i++) w[i] = (float) weighting.weight(diffusion, t[i]);
            perSample = be.mul(perSample, be.upload(Tensor.of(w, b)));
        }
        return be.mean(perSample, 0);
    }
}
