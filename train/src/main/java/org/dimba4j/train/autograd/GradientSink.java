package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Tensor;

/** Where a backward hands the gradients of its op's inputs; inputs that need none are ignored. */
interface GradientSink {

    /** Whether {@code input} needs a gradient (it is watched or depends on a watched tensor); false for null. */
    boolean wants(Tensor input);

    /** Adds {@code grad} (any shape with {@code input}'s element count) to {@code input}'s gradient, if it {@link #wants} one. */
    void add(Tensor input, Tensor grad);

    /**
     * Adds {@code grad} to the stretch start..end-1 along {@code axis} of {@code input}'s gradient (a slice's
     * backward), zeros elsewhere, if it {@link #wants} one.
     */
    void addSlice(Tensor input, int axis, int start, int end, Tensor grad);
}
