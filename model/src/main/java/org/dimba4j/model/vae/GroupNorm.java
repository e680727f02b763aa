package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/** nn.GroupNorm with affine weight and bias; every GroupNorm of the VAE uses eps 1e-6. */
record GroupNorm(int groups, Tensor weight, Tensor bias, float eps) {

    static final float VAE_EPS = 1e-6f;

    static GroupNorm load(VaeWeights w, String prefix, int groups, int channels) {
        return new GroupNorm(groups, w.get(prefix + ".weight", channels), w.get(prefix + ".bias", channels), VAE_EPS);
    }

    Tensor forward(Backend b, Tensor x) {
        return b.groupNorm(x, groups, weight, bias, eps);
    }
}
