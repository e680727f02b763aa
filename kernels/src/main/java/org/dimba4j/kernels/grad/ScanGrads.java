package org.dimba4j.kernels.grad;

import org.dimba4j.kernels.Tensor;

/**
 * Gradients of {@code Backend.selectiveScan}, each in its forward operand's shape: du, dDelta [B, L, E]; dA [E, N];
 * dB, dC [B, L, N]; dD [E]; dZ [B, L, E]; dDeltaBias [E]. The optional ones (dD, dZ, dDeltaBias) are null when the
 * forward had no such operand. dDelta is with respect to {@code delta} as passed (before the bias and softplus).
 */
public record ScanGrads(Tensor du, Tensor dDelta, Tensor dA, Tensor dB, Tensor dC, Tensor dD, Tensor dZ,
                        Tensor dDeltaBias) {}
