package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

/**
 * {@code final_layer}: LN (no affine, eps 1e-6), modulated by its own {@code scale_shift_table} [2, C] plus the raw
 * time embedding t (not t0), then a linear to p*p*out_channels per token.
 */
record T2IFinalLayer(Tensor scaleShiftTable, Linear linear) {

    /** x [B, N, C], t [B, C] -> [B, N, p*p*out]. */
    Tensor forward(Backend be, Tensor x, Tensor t) {
        int b = t.dim(0), c = t.dim(1);
        // table[None] + t[:, None]: the same t added to both rows
        Tensor cond = be.concat(1, t, t).reshape(b, 2 * c);
        Tensor[] m = AdaLnSingle.chunks(be, scaleShiftTable, cond);
        Tensor shift = m[0], scale = m[1];
        return linear.forward(be, AdaLnSingle.modulate(be, be.layerNorm(x, null, null, DimbaBlock.NORM_EPS), shift, scale));
    }
}
