package org.dimba4j.kernels.grad;

import org.dimba4j.kernels.Tensor;

/** Gradients of a convolution: {@code dx} and {@code dWeight} in their forward shapes, {@code dBias} [O] (null when not asked for). */
public record ConvGrads(Tensor dx, Tensor dWeight, Tensor dBias) {}
