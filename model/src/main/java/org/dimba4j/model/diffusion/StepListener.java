package org.dimba4j.model.diffusion;

import org.dimba4j.kernels.Tensor;

/** Called after each sampler step (1-based) with the new latents and the current estimate of x0. */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = (step, steps, latents, denoised) -> {};

    void onStep(int step, int steps, Tensor latents, Tensor denoised);
}
