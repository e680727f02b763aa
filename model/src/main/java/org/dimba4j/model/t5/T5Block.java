package org.dimba4j.model.t5;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * One encoder block ({@code block.i}): pre-norm self-attention ({@code layer.0}) then pre-norm feed-forward
 * ({@code layer.1}), each added to the residual stream. T5's norm is RMSNorm (no mean, no bias).
 */
final class T5Block {
    private final Tensor attnNorm, ffnNorm;
    private final T5Attention selfAttention;
    private final T5DenseReluDense denseReluDense;
    private final float eps;

    T5Block(Tensor attnNorm, T5Attention selfAttention, Tensor ffnNorm, T5DenseReluDense denseReluDense, float eps) {
        this.attnNorm = attnNorm;
        this.selfAttention = selfAttention;
        this.ffnNorm = ffnNorm;
        this.denseReluDense = denseReluDense;
        this.eps = eps;
    }

    Tensor forward(Backend be, Tensor h, Tensor keyMask, Tensor positionBias, Tensor fullyMaskedRows) {
        h = be.add(h, selfAttention.forward(be, be.rmsNorm(h, attnNorm, eps), keyMask, positionBias, fullyMaskedRows));
        return be.add(h, denseReluDense.forward(be, be.rmsNorm(h, ffnNorm, eps)));
    }
}
