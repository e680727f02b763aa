package org.dimba4j.model.diffusion;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.random.TorchGenerator;

/**
 * DDIM (Song et al. 2021) as the official code base's gaussian_diffusion.ddim_sample runs it: the process
 * respaced with space_timesteps(1000, "ddimN") (timesteps 0, 1000/N, ..., stride fixed), x0 predicted from
 * epsilon without clipping, epsilon re-derived from x0, then
 * x_prev = x0 sqrt(abar_prev) + sqrt(1 - abar_prev - sigma^2) eps + sigma z,
 * sigma = eta sqrt((1 - abar_prev) / (1 - abar)) sqrt(1 - abar / abar_prev), no noise at the last step.
 * eta = 0 (the default) is deterministic and is the same walk as diffusers' DDIMScheduler with
 * timestep_spacing "leading" and set_alpha_to_one.
 */
public final class Ddim extends RespacedSampler {
    private final double eta;
    private final TorchGenerator generator;

    /** @param generator noise for eta > 0 (may be null when eta is 0) */
    public Ddim(double[] betas, int steps, double eta, TorchGenerator generator) {
        super(betas, "ddim" + steps);
        if (eta < 0) throw new IllegalArgumentException("DDIM eta must be >= 0, got " + eta);
        if (eta > 0 && generator == null) throw new IllegalArgumentException("DDIM with eta > 0 needs a generator");
        this.eta = eta;
        this.generator = generator;
    }

    @Override
    public String name() {
        return "ddim";
    }

    @Override
    public Tensor sample(Tensor noise, DiffusionModel model, StepListener listener) {
        Latents.checkLatents(noise);
        int[] shape = noise.shape();
        float[] x = Latents.hostCopy(noise);
        int n = diffusion.numTimesteps();
        for (int i = n - 1; i >= 0; i--) {
            float[] eps = Latents.channels(model.predict(Tensor.of(x.clone(), shape), diffusion.timestep(i)), shape, 0, shape[1]);
            double recip = diffusion.sqrtRecipAlphasCumprod[i];
            double recipm1 = diffusion.sqrtRecipm1AlphasCumprod[i];
            double abar = diffusion.alphasCumprod[i];
            double abarPrev = diffusion.alphasCumprodPrev[i];
            double sigma = eta * Math.sqrt((1 - abarPrev) / (1 - abar)) * Math.sqrt(1 - abar / abarPrev);
            double c0 = Math.sqrt(abarPrev);
            double c1 = Math.sqrt(1 - abarPrev - sigma * sigma);
            float[] z = eta > 0 && i != 0 ? generator.randn(shape).floats() : null;
            float[] x0 = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                double predX0 = recip * x[k] - recipm1 * eps[k];
                double e = (recip * x[k] - predX0) / recipm1;
                x0[k] = (float) predX0;
                double next = predX0 * c0 + c1 * e;
                if (z != null) next += sigma * z[k];
                x[k] = (float) next;
            }
            listener.onStep(n - i, n, Tensor.of(x.clone(), shape), Tensor.of(x0, shape));
        }
        return Tensor.of(x, shape);
    }
}
