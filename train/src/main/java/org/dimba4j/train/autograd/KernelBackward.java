package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.dimba4j.kernels.grad.ScanGrads;

/** Backward of the ops that have a backward kernel of their own in {@link Backend}: route its gradients to the inputs. */
final class KernelBackward {
    private KernelBackward() {}

    static void attention(Backend be, Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias,
                          Tensor out, Tensor dy, GradientSink sink) {
        AttentionGrads g = be.attentionBackward(q, k, v, heads, scale, keyMask, bias, out, dy);
        sink.add(q, g.dq());
        sink.add(k, g.dk());
        sink.add(v, g.dv());
    }

    static void layerNorm(Backend be, Tensor x, Tensor weight, Tensor bias, float eps, Tensor dy, GradientSink sink) {
        NormGrads g = be.layerNormBackward(x, weight, eps, dy);
        sink.add(x, g.dx());
        if (weight != null) sink.add(weight, g.dWeight());
        if (sink.wants(bias)) sink.add(bias, weight != null ? g.dBias() : be.sumTo(dy, bias.shape()));
    }

    static void rmsNorm(Backend be, Tensor x, Tensor weight, float eps, Tensor dy, GradientSink sink) {
        NormGrads g = be.rmsNormBackward(x, weight, eps, dy);
        sink.add(x, g.dx());
        if (weight != null) sink.add(weight, g.dWeight());
    }

    static void conv2d(Backend be, Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW,
                       int groups, Tensor dy, GradientSink sink) {
        ConvGrads g = be.conv2dBackward(x, weight, dy, sink.wants(bias), strideH, strideW, padH, padW, groups);
        sink.add(x, g.dx());
        sink.add(weight, g.dWeight());
        if (sink.wants(bias)) sink.add(bias, g.dBias());
    }

    static void causalConv1d(Backend be, Tensor x, Tensor weight, Tensor bias, Tensor dy, GradientSink sink) {
        ConvGrads g = be.causalConv1dBackward(x, weight, dy, sink.wants(bias));
        sink.add(x, g.dx());
        sink.add(weight, g.dWeight());
        if (sink.wants(bias)) sink.add(bias, g.dBias());
    }

    static void selectiveScan(Backend be, Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                              Tensor deltaBias, boolean deltaSoftplus, Tensor dy, GradientSink sink) {
        ScanGrads g = be.selectiveScanBackward(u, delta, a, b, c, d, z, deltaBias, deltaSoftplus, dy);
        sink.add(u, g.du());
        sink.add(delta, g.dDelta());
        sink.add(a, g.dA());
        sink.add(b, g.dB());
        sink.add(c, g.dC());
        if (d != null) sink.add(d, g.dD());
        if (z != null) sink.add(z, g.dZ());
        if (deltaBias != null) sink.add(deltaBias, g.dDeltaBias());
    }
}
