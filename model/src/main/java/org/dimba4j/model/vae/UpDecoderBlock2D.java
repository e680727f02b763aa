package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;

/** diffusers UpDecoderBlock2D: {@code layers} ResnetBlock2Ds, then an Upsample2D except in the last block. */
final class UpDecoderBlock2D {
    private final List<ResnetBlock2D> resnets;
    private final Upsample2D upsampler;

    private UpDecoderBlock2D(List<ResnetBlock2D> resnets, Upsample2D upsampler) {
        this.resnets = resnets;
        this.upsampler = upsampler;
    }

    static UpDecoderBlock2D load(VaeWeights w, String prefix, int in, int out, int layers, int groups, boolean addUpsample) {
        List<ResnetBlock2D> resnets = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            resnets.add(ResnetBlock2D.load(w, prefix + ".resnets." + i, i == 0 ? in : out, out, groups));
        }
        return new UpDecoderBlock2D(List.copyOf(resnets),
                addUpsample ? Upsample2D.load(w, prefix + ".upsamplers.0", out) : null);
    }

    Tensor forward(Backend b, Tensor x) {
        for (ResnetBlock2D r : resnets) x = r.forward(b, x);
        return upsampler == null ? x : upsampler.forward(b, x);
    }
}
