package org.dimba4j.model.diffusion;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.random.TorchGenerator;

/**
 * The IDDPM ancestral sampler (Nichol and Dhariwal 2021) as the official scripts/inference.py runs it:
 * {@code IDDPM(str(steps)).p_sample_loop(...)} over the process respaced with space_timesteps(1000, "N"), the
 * learned variance (LEARNED_RANGE: log variance interpolated between the clipped posterior log variance and
 * log beta by (v + 1) / 2, v the model's extra channels), x0 from epsilon without clipping, the posterior mean,
 * and fresh noise every step (none added at the last).
 *
 * <p>Noise comes from a {@link TorchGenerator} in the order torch draws it. The official script runs the
 * conditional and unconditional halves as one batch of 2B latents ({@code z.repeat(2)}), so each step's
 * {@code randn_like} draws 2B latents' worth; {@code noiseBatchMultiple} = 2 reproduces that (the first B
 * are the conditional half's), 1 draws only B.
 */
public final class Iddpm extends RespacedSampler {
    private final TorchGenerator generator;
    private final int noiseBatchMultiple;

    public Iddpm(double[] betas, int steps, TorchGenerator generator, int noiseBatchMultiple) {
        super(betas, String.valueOf(steps));
        if (noiseBatchMultiple < 1) throw new IllegalArgumentException("noiseBatchMultiple must be >= 1");
        this.generator = generator;
        this.noiseBatchMultiple = noiseBatchMultiple;
    }

    @Override
    public String name() {
        return "iddpm";
    }

    @Override
    public Tensor sample(Tensor noise, DiffusionModel model, StepListener listener) {
        Latents.checkLatents(noise);
        int[] shape = noise.shape();
        int c = shape[1];
        float[] x = Latents.hostCopy(noise);
        int n = diffusion.numTimesteps();
        int[] drawShape = shape.clone();
        drawShape[0] *= noiseBatchMultiple;
        for (int i = n - 1; i >= 0; i--) {
            Tensor out = model.predict(Tensor.of(x.clone(), shape), diffusion.timestep(i));
            float[] eps = Latents.channels(out, shape, 0, c);
            float[] v = Latents.channels(out, shape, c, 2 * c);
            double minLog = diffusion.posteriorLogVarianceClipped[i];
            double maxLog = Math.log(diffusion.betas[i]);
            double recip = diffusion.sqrtRecipAlphasCumprod[i];
            double recipm1 = diffusion.sqrtRecipm1AlphasCumprod[i];
            double coef1 = diffusion.posteriorMeanCoef1[i];
            double coef2 = diffusion.posteriorMeanCoef2[i];
            float[] z = generator.randn(drawShape).floats(); // drawn at every step, as randn_like is
            float[] x0 = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                double predX0 = recip * x[k] - recipm1 * eps[k];
                double mean = coef1 * predX0 + coef2 * x[k];
                double frac = (v[k] + 1) / 2;
                double logVar = frac * maxLog + (1 - frac) * minLog;
                x0[k] = (float) predX0;
                x[k] = (float) (i != 0 ? mean + Math.exp(0.5 * logVar) * z[k] : mean);
            }
            listener.onStep(n - i, n, Tensor.of(x.clone(), shape), Tensor.of(x0, shape));
        }
        return Tensor.of(x, shape);
    }
}
