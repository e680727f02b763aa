package org.dimba4j.model.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/** nn.Conv2d with a square kernel, bias, and symmetric zero padding. */
record Conv2d(Tensor weight, Tensor bias, int stride, int padding) {

    static Conv2d load(VaeWeights w, String prefix, int in, int out, int kernel, int stride, int padding) {
        return new Conv2d(w.get(prefix + ".weight", out, in, kernel, kernel), w.get(prefix + ".bias", out), stride, padding);
    }

    Tensor forward(Backend b, Tensor x) {
        return b.conv2d(x, weight, bias, stride, stride, padding, padding, 1);
    }
}
