package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * diffusers ResnetBlock2D without a time embedding (the VAE's):
 * h = conv2(silu(norm2(conv1(silu(norm1(x)))))); out = (shortcut(x) + h) / output_scale_factor,
 * where shortcut is a 1x1 conv when the channel count changes and the identity otherwise.
 */
final class ResnetBlock2D {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;
    private final float outputScaleFactor;

    private ResnetBlock2D(GroupNorm norm1, Conv2d conv1, GroupNorm norm2, Conv2d conv2, Conv2d convShortcut, float outputScaleFactor) {
        this.norm1 = norm1;
        this.conv1 = conv1;
        this.norm2 = norm2;
        this.conv2 = conv2;
        this.convShortcut = convShortcut;
        this.outputScaleFactor = outputScaleFactor;
    }

    static ResnetBlock2D load(VaeWeights w, String prefix, int in, int out, int groups) {
        return new ResnetBlock2D(
                GroupNorm.load(w, prefix + ".norm1", groups, in),
                Conv2d.load(w, prefix + ".conv1", in, out, 3, 1, 1),
                GroupNorm.load(w, prefix + ".norm2", groups, out),
                Conv2d.load(w, prefix + ".conv2", out, out, 3, 1, 1),
                in != out ? Conv2d.load(w, prefix + ".conv_shortcut", in, out, 1, 1, 0) : null,
                1f);
    }

    Tensor forward(Backend b, Tensor x) {
        Tensor h = conv1.forward(b, b.silu(norm1.forward(b, x)));
        // dropout is the identity at inference
        h = conv2.forward(b, b.silu(norm2.forward(b, h)));
        Tensor shortcut = convShortcut == null ? x : convShortcut.forward(b, x);
        Tensor out = b.add(shortcut, h);
        return outputScaleFactor == 1f ? out : b.scale(out, 1f / outputScaleFactor);
    }
}
