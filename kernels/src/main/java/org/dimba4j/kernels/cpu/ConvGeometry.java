package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.OpShapes;

/**
 * One conv2d's geometry (the checked shapes plus stride, padding and groups), the operand of {@link Conv2d},
 * {@link Conv2dBackward} and their im2col/col2im instead of seventeen positional ints. The kernels copy the
 * fields to locals once, so this costs nothing in their loops.
 */
record ConvGeometry(OpShapes.Conv2dDims dims, int sh, int sw, int ph, int pw, int groups) {
    int og() {
        return dims.o() / groups;
    }

    /** Rows of the column matrix: C/g * kh * kw. */
    int k() {
        return dims.cg() * dims.kh() * dims.kw();
    }

    int plane() {
        return dims.ho() * dims.wo();
    }

    /** 1x1, stride 1, no padding: the input already is the column matrix. */
    boolean direct() {
        return dims.kh() == 1 && dims.kw() == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
    }
}
