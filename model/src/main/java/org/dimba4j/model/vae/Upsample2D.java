package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/** diffusers Upsample2D with use_conv: nearest-neighbour x2, then a 3x3 conv (padding 1). */
record Upsample2D(Conv2d conv) {

    static Upsample2D load(VaeWeights w, String prefix, int channels) {
        return new Upsample2D(Conv2d.load(w, prefix + ".conv", channels, channels, 3, 1, 1));
    }

    Tensor forward(Backend b, Tensor x) {
        return conv.forward(b, b.upsampleNearest2d(x, 2));
    }
}
