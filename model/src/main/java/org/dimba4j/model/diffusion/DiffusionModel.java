package org.dimba4j.model.diffusion;

import org.dimba4j.kernels.Tensor;

/**
 * The denoiser as the samplers see it: latents x [B, C, h, w] at one model time input (the discrete DDPM
 * timestep, possibly fractional under DPM-Solver) give [B, C, h, w] (epsilon) or [B, 2C, h, w] (epsilon, then
 * the learned-variance interpolation values in [-1, 1]). Classifier-free guidance is applied inside.
 */
@FunctionalInterface
public interface DiffusionModel {
    Tensor predict(Tensor x, float modelTime);
}
