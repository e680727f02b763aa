package org.dimba4j.model.diffusion;

/**
 * A sampler that walks the official code base's Gaussian diffusion respaced to its own steps
 * ({@code space_timesteps}): one model evaluation per kept timestep, last first.
 */
abstract class RespacedSampler implements Sampler {
    protected final GaussianDiffusion diffusion;

    protected RespacedSampler(double[] betas, String sections) {
        this.diffusion = GaussianDiffusion.of(betas).respace(GaussianDiffusion.spaceTimesteps(betas.length, sections));
    }

    @Override
    public int steps() {
        return diffusion.numTimesteps();
    }

    /** The model timesteps, first to last (e.g. 999, 946, ..., 0 for IDDPM's 20 steps; 950, ..., 0 for DDIM's). */
    public int[] timesteps() {
        return diffusion.samplingTimesteps();
    }
}
