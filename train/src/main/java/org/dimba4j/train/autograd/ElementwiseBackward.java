package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * Backward of the broadcasting binary ops: each operand's gradient is the product rule's term summed back over the
 * dims that broadcasting expanded ({@link Backend#sumTo}).
 */
final class ElementwiseBackward {
    private ElementwiseBackward() {}

    static void add(Backend be, Tensor a, Tensor b, Tensor dy, GradientSink sink) {
        if (sink.wants(a)) sink.add(a, be.sumTo(dy, a.shape()));
        if (sink.wants(b)) sink.add(b, be.sumTo(dy, b.shape()));
    }

    static void sub(Backend be, Tensor a, Tensor b, Tensor dy, GradientSink sink) {
        if (sink.wants(a)) sink.add(a, be.sumTo(dy, a.shape()));
        if (sink.wants(b)) sink.add(b, be.scale(be.sumTo(dy, b.shape()), -1f));
    }

    static void mul(Backend be, Tensor a, Tensor b, Tensor dy, GradientSink sink) {
        if (sink.wants(a)) sink.add(a, be.sumTo(be.mul(dy, b), a.shape()));
        if (sink.wants(b)) sink.add(b, be.sumTo(be.mul(dy, a), b.shape()));
    }

    /** out = a / b: da = dy / b, db = -dy a / b^2 = -dy out / b. */
    static void div(Backend be, Tensor a, Tensor b, Tensor out, Tensor dy, GradientSink sink) {
        Tensor dyOverB = be.div(dy, b);
        if (sink.wants(a)) sink.add(a, be.sumTo(dyOverB, a.shape()));
        if (sink.wants(b)) sink.add(b, be.scale(be.sumTo(be.mul(dyOverB, out), b.shape()), -1f));
    }

    /** out = geluTanh(gate) * up. */
    static void gatedGelu(Backend be, Tensor gate, Tensor up, Tensor dy, GradientSink sink) {
        if (sink.wants(gate)) sink.add(gate, be.geluTanhBackward(gate, be.mul(dy, up)));
        if (sink.wants(up)) sink.add(up, be.mul(dy, be.geluTanh(gate)));
    }

    /** out = exp(x): dx = dy out. */
    static void exp(Backend be, Tensor x, Tensor out, Tensor dy, GradientSink sink) {
        sink.add(x, be.mul(dy, out));
    }

    /** out = sqrt(x): dx = dy / (2 out). */
    static void sqrt(Backend be, Tensor x, Tensor out, Tensor dy, GradientSink sink) {
        sink.add(x, be.div(be.scale(dy, 0.5f), out));
    }
}
