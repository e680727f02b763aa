package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Tensor;

/** Where a backward hands the gradients of its op's inputs; inputs that need none are ignored. */
interface GradientSink {

    /** Whether {@code input} needs a gradient (it is watched or depends on a watched tensor); false for null. */
    boolean wants(Tensor input);

    /** Adds {@code grad} (any shape with {@code input}'s element count) to {@code input}'s gradient, if it {@link #wants} one. */
    void add(Tensor input, Tensor grad);
}
