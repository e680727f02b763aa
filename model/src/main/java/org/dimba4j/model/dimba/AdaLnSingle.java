package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * adaLN-single of PixArt: one time embedding shared by all blocks plus a learned per-block {@code scale_shift_table}.
 * The table [k, C] is added to the conditioning reshaped to [B, k, C]; row i is then the i-th modulation vector.
 */
final class AdaLnSingle {
    private AdaLnSingle() {}

    /** The k rows of {@code table[None] + cond.reshape(B, k, C)}, each [B, 1, C]. */
    static Tensor[] chunks(Backend be, Tensor table, Tensor cond) {
        int k = table.dim(0), c = table.dim(1), b = cond.dim(0);
        Tensor sum = be.add(cond.reshape(b, k, c), table);
        Tensor[] out = new Tensor[k];
        for (int i = 0; i < k; i++) out[i] = be.slice(sum, 1, i, i + 1);
        return out;
    }

    /** t2i_modulate: x * (1 + scale) + shift. */
    static Tensor modulate(Backend be, Tensor x, Tensor shift, Tensor scale) {
        return be.add(be.mul(x, be.affine(scale, 1f, 1f)), shift);
    }
}
