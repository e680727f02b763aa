package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Tensor;

/** The backward of one recorded op: given dy (the loss gradient of the op's output), hand each input's gradient to the sink. */
@FunctionalInterface
interface Backward {
    void apply(Tensor dy, GradientSink sink);
}
