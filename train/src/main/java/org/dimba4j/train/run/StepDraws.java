package org.dimba4j.train.run;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.random.TorchGenerator;

/**
 * The random numbers of one training step, a pure function of (seed, step): a resumed run draws exactly what an
 * uninterrupted one drew, with no generator state to save. Drawn from one generator in a fixed order: the
 * timesteps (uniform in 0..numTimesteps-1, as the official {@code torch.randint(0, 1000, (B,))}), the posterior
 * sample's noise, then the diffusion noise. (Caption dropout draws its own, {@link org.dimba4j.train.objective.CaptionDropout}.)
 *
 * @param timesteps      [B]
 * @param posteriorNoise [B, C, h, w]: the VAE latent is {@code mean + exp(logvar / 2) * posteriorNoise}
 * @param noise          [B, C, h, w]: epsilon, the denoiser's target
 */
public record StepDraws(int[] timesteps, Tensor posteriorNoise, Tensor noise) {

    /** This stream's tag in the seed mix (the data order has its own generator, SplitMix64). */
    static final long STEP_STREAM = 1;

    public static StepDraws of(long seed, long step, int batch, int[] latentShape, int numTimesteps) {
        TorchGenerator g = new TorchGenerator(seedOf(seed, STEP_STREAM, step));
        int[] t = new int[batch];
        for (int i = 0; i < batch; i++) t[i] = (int) Math.floor(g.uniformDouble() * numTimesteps);
        int[] shape = {batch, latentShape[0], latentShape[1], latentShape[2]};
        Tensor posterior = g.randn(shape);
        Tensor noise = g.randn(shape);
        return new StepDraws(t, posterior, noise);
    }

    /**
     * A 64-bit seed for (seed, stream, index), through SplitMix64's finaliser so that neighbouring steps get
     * unrelated generators (MT19937 takes the low 32 bits).
     */
    static long seedOf(long seed, long stream, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
