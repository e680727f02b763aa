package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

/**
 * {@code mamba_blocks.i.mixer}: the Vision-Mamba "bimamba v2" mixer of the vendored {@code mamba_simple.py} (its CUDA
 * fast path, which is what ran in training and inference). {@code in_proj} (no bias) gives x and z [B, L, E]; the
 * forward direction scans the token sequence, the backward direction scans the reversed x and z with its own
 * parameters, its output is flipped back and ADDED (not averaged); then {@code out_proj} (no bias).
 * With {@code backward == null} this is the plain one-direction Mamba-1 mixer.
 */
record Mamba(Linear inProj, SsmDirection forward, SsmDirection backward, Linear outProj) {

    /** [B, L, C] -> [B, L, C]. */
    Tensor forward(Backend be, Tensor hidden) {
        Tensor xz = inProj.forward(be, hidden);
        int e = xz.dim(2) / 2;
        Tensor x = be.slice(xz, 2, 0, e);
        Tensor z = be.slice(xz, 2, e, 2 * e);
        Tensor y = forward.forward(be, x, z);
        if (backward != null) {
            Tensor yb = backward.forward(be, be.flip(x, 1), be.flip(z, 1));
            y = be.add(y, be.flip(yb, 1));
        }
        return outProj.forward(be, y);
    }
}
