package org.dimba4j.model.t5;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * The T5 feed-forward block ({@code DenseReluDense}): {@code wo(act(wi(x)))} in the original T5, or the gated
 * form {@code wo(act(wi_0(x)) * wi_1(x))} of T5 v1.1 and Flan-T5 (act = GELU, tanh approximation). No biases.
 */
final class T5DenseReluDense {
    private final Tensor wi0, wi1, wo; // wi1 is null when not gated (wi0 is then "wi")
    private final T5Config.Activation act;

    T5DenseReluDense(Tensor wi0, Tensor wi1, Tensor wo, T5Config.Activation act) {
        this.wi0 = wi0;
        this.wi1 = wi1;
        this.wo = wo;
        this.act = act;
    }

    Tensor forward(Backend be, Tensor x) {
        Tensor h = be.linear(x, wi0, null);
        if (wi1 != null && act == T5Config.Activation.GELU_TANH) {
            h = be.gatedGelu(h, be.linear(x, wi1, null));
        } else {
            h = activate(be, h);
            if (wi1 != null) h = be.mul(h, be.linear(x, wi1, null));
        }
        return be.linear(h, wo, null);
    }

    private Tensor activate(Backend be, Tensor h) {
        return switch (act) {
            case RELU -> be.relu(h);
            case GELU_ERF -> be.geluErf(h);
            case GELU_TANH -> be.geluTanh(h);
            case SILU -> be.silu(h);
        };
    }
}
