package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;

/** diffusers DownEncoderBlock2D: {@code layers} ResnetBlock2Ds, then a Downsample2D except in the last block. */
final class DownEncoderBlock2D {
    private final List<ResnetBlock2D> resnets;
    private final Downsample2D downsampler;

    private DownEncoderBlock2D(List<ResnetBlock2D> resnets, Downsample2D downsampler) {
        this.resnets = resnets;
        this.downsampler = downsampler;
    }

    static DownEncoderBlock2D load(VaeWeights w, String prefix, int in, int out, int layers, int groups, boolean addDownsample) {
        List<ResnetBlock2D> resnets = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            resnets.add(ResnetBlock2D.load(w, prefix + ".resnets." + i, i == 0 ? in : out, out, groups));
        }
        return new DownEncoderBlock2D(List.copyOf(resnets),
                addDownsample ? Downsample2D.load(w, prefix + ".downsamplers.0", out) : null);
    }

    Tensor forward(Backend b, Tensor x) {
        for (ResnetBlock2D r : resnets) x = r.forward(b, x);
        return downsampler == null ? x : downsampler.forward(b, x);
    }
}
