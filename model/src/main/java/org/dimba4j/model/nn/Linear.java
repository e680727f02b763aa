package org.dimba4j.model.nn;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/** nn.Linear: {@code x @ weight^T + bias}, weight [out, in] as PyTorch stores it, bias [out] or null. */
public record Linear(Tensor weight, Tensor bias) {

    public Tensor forward(Backend be, Tensor x) {
        return be.linear(x, weight, bias);
    }

    public int outFeatures() {
        return weight.dim(0);
    }
}
