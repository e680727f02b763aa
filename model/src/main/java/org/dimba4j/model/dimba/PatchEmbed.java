package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * {@code x_embedder}: a p x p convolution with stride p turns the latent [B, C_in, H, W] into tokens
 * [B, (H/p)(W/p), C], flattened in raster order (row by row), as {@code x.flatten(2).transpose(1, 2)}.
 */
record PatchEmbed(Tensor projWeight, Tensor projBias, int patchSize) {

    Tensor forward(Backend be, Tensor x) {
        Tensor y = be.conv2d(x, projWeight, projBias, patchSize, patchSize, 0, 0, 1); // [B, C, h, w]
        int b = y.dim(0), c = y.dim(1), n = y.dim(2) * y.dim(3);
        return be.permute(y.reshape(b, c, n), 0, 2, 1);
    }
}
