package org.dimba4j.kernels.grad;

import org.dimba4j.kernels.Tensor;

/**
 * Gradients of a normalisation: {@code dx} in x's shape; {@code dWeight} and {@code dBias} [C] (null where the
 * norm has no affine weight; RMSNorm has no bias, so its {@code dBias} is always null).
 */
public record NormGrads(Tensor dx, Tensor dWeight, Tensor dBias) {}
