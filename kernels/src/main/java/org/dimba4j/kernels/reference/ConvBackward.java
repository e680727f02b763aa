package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.*;

/** PLACEHOLDER: replaced by the helper that owns this op family. */
final class ConvBackward {
    private ConvBackward() {}
    static ConvGrads conv2d(Tensor x, Tensor weight, Tensor dy, boolean withBias, int strideH, int strideW, int padH, int padW, int groups) { throw new UnsupportedOperationException("not yet implemented"); }
    static ConvGrads causalConv1d(Tensor x, Tensor weight, Tensor dy, boolean withBias) { throw new UnsupportedOperationException("not yet implemented"); }
}
