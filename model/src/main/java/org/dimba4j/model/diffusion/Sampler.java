package org.dimba4j.model.diffusion;

import org.dimba4j.kernels.Tensor;

/** A reverse-diffusion sampler: from noise x_T [B, C, h, w] to latents x_0, calling the model once per step. */
public interface Sampler {
    /** "dpm-solver", "ddim", "iddpm". */
    String name();

    /** The number of steps (each one model evaluation). */
    int steps();

    Tensor sample(Tensor noise, DiffusionModel model, StepListener listener);
}
