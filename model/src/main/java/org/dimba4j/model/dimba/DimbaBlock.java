package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * {@code blocks.i}: the PixArt block with adaLN-single. With t0 the shared conditioning [B, 6C] and the block's own
 * {@code scale_shift_table}:
 * <pre>
 *   x = x + gate_msa * attn(t2i_modulate(LN(x), shift_msa, scale_msa))
 *   x = x + cross_attn(x, y, mask)                       (no norm, no gate)
 *   x = x + gate_mlp * mlp(t2i_modulate(LN(x), shift_mlp, scale_mlp))
 * </pre>
 * LN has no affine parameters and eps 1e-6.
 */
record DimbaBlock(Tensor scaleShiftTable, Attention attn, MultiHeadCrossAttention crossAttn, Mlp mlp) {
    static final float NORM_EPS = 1e-6f;

    /**
     * @param x    image tokens [B, N, C]
     * @param y    projected caption tokens [B, L, C]
     * @param mask caption key mask [B, L] (0 = padding) or null
     * @param t0   shared adaLN conditioning [B, 6C]
     */
    Tensor forward(Backend be, Tensor x, Tensor y, Tensor mask, Tensor t0) {
        Tensor[] m = AdaLnSingle.chunks(be, scaleShiftTable, t0);
        Tensor shiftMsa = m[0], scaleMsa = m[1], gateMsa = m[2], shiftMlp = m[3], scaleMlp = m[4], gateMlp = m[5];
        Tensor h = AdaLnSingle.modulate(be, be.layerNorm(x, null, null, NORM_EPS), shiftMsa, scaleMsa);
        x = be.add(x, be.mul(gateMsa, attn.forward(be, h)));
        x = be.add(x, crossAttn.forward(be, x, y, mask));
        h = AdaLnSingle.modulate(be, be.layerNorm(x, null, null, NORM_EPS), shiftMlp, scaleMlp);
        return be.add(x, be.mul(gateMlp, mlp.forward(be, h)));
    }
}
