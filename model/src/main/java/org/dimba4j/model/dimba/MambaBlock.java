package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * {@code mamba_blocks.i}: Vim's prenorm {@code Block} with fused add + RMSNorm (eps 1e-5, residual kept in f32).
 * It is "add -> norm -> mixer": the running residual is a stream of its own,
 * {@code residual = hidden (first layer) or residual + hidden}, and the block returns the mixer output of
 * RMSNorm(residual) as the new hidden state, replacing it; the DimbaBlock that follows sees only that output.
 */
record MambaBlock(Mamba mixer, Tensor normWeight) {
    static final float NORM_EPS = 1e-5f;

    /** The two streams leaving the block. */
    record State(Tensor hidden, Tensor residual) {}

    /** @param residual the residual stream so far, or null before the first Mamba layer */
    State forward(Backend be, Tensor hidden, Tensor residual) {
        Tensor res = residual == null ? hidden : be.add(residual, hidden);
        return new State(mixer.forward(be, be.rmsNorm(res, normWeight, NORM_EPS)), res);
    }
}
