package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * diffusers Downsample2D as the VAE encoder builds it (use_conv, padding 0): zero-pad one column on the right
 * and one row at the bottom, then a 3x3 conv with stride 2. Halves H and W (rounding up odd sizes' extra
 * row/column into the pad, exactly as F.pad(x, (0, 1, 0, 1))).
 */
record Downsample2D(Conv2d conv) {

    static Downsample2D load(VaeWeights w, String prefix, int channels) {
        return new Downsample2D(Conv2d.load(w, prefix + ".conv", channels, channels, 3, 2, 0));
    }

    Tensor forward(Backend b, Tensor x) {
        return conv.forward(b, b.pad2d(x, 0, 1, 0, 1));
    }
}
