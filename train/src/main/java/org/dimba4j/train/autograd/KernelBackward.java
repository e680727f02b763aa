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
        if (sink.wants(bias)) sink.add(bias, AttentionBiasGradient.of(be, q, k, v, heads, scale, keyMask, bias, dy));
    }

    static void layerNorm(Backend be, Tensor x, Tensor weight, Tensor bias, float eps, Tensor dy, GradientSink sink) {
        NormGrads g = be.layerNormBackward(x, weight, eps, dy);
        sink.add(x, g.dx());
        if (weight != null) sink.add(weight, g.dWeight());
        if (sink.wants(bias)) sink.add(bias, weight != null ? g.dBias() : be.sumTo(dy, bias.shape()));
    }

    /**
     * GroupNorm is a layer norm over each (sample, group) slice, which is contiguous in [N, C, *spatial]: dx comes from
     * the layer-norm backward on the [N * groups, C / groups * spatial] view of x and of dy * weight, so both norms
     * share one kernel; dWeight and dBias are sums over N and the spatial dims.
     */
    static void groupNorm(Backend be, Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor dy,
                          GradientSink sink) {
        int n = x.dim(0), c = x.dim(1);
        int[] perGroup = {n * groups, (int) (x.numel() / ((long) n * groups))};
        int[] channel = new int[x.rank() - 1];
        java.util.Arrays.fill(channel, 1);
        channel[0] = c;
        if (sink.wants(x)) {
            Tensor dxhat = weight == null ? dy : be.mul(dy, weight.reshape(channel));
            sink.add(x, be.layerNormBackward(x.reshape(perGroup), null, eps, dxhat.reshape(perGroup)).dx());
        }
        if (sink.wants(weight)) {
            Tensor xhat = be.groupNorm(x, groups, null, null, eps);
            sink.add(weight, be.sumTo(be.mul(dy, xhat), channel));
        }
        if (sink.wants(bias)) sink.add(bias, be.sumTo(dy, channel));
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
