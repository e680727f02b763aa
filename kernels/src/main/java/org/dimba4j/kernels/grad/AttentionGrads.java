package org.dimba4j.kernels.grad;

import org.dimba4j.kernels.Tensor;

/** Gradients of {@code Backend.attention} with respect to q, k and v, in their shapes. */
public record AttentionGrads(Tensor dq, Tensor dk, Tensor dv) {}
