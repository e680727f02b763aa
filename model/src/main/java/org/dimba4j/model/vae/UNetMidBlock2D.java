package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/** diffusers UNetMidBlock2D with one layer: resnets.0, attentions.0 (unless disabled by config), resnets.1. */
final class UNetMidBlock2D {
    private final ResnetBlock2D resnet0;
    private final Attention attention;
    private final ResnetBlock2D resnet1;

    private UNetMidBlock2D(ResnetBlock2D resnet0, Attention attention, ResnetBlock2D resnet1) {
        this.resnet0 = resnet0;
        this.attention = attention;
        this.resnet1 = resnet1;
    }

    static UNetMidBlock2D load(VaeWeights w, String prefix, int channels, int groups, boolean addAttention) {
        return new UNetMidBlock2D(
                ResnetBlock2D.load(w, prefix + ".resnets.0", channels, channels, groups),
                addAttention ? Attention.load(w, prefix + ".attentions.0", channels, groups) : null,
                ResnetBlock2D.load(w, prefix + ".resnets.1", channels, channels, groups));
    }

    Tensor forward(Backend b, Tensor x) {
        Tensor h = resnet0.forward(b, x);
        if (attention != null) h = attention.forward(b, h);
        return resnet1.forward(b, h);
    }
}
