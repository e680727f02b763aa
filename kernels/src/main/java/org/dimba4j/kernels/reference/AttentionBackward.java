package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.*;

/** PLACEHOLDER: replaced by the helper that owns this op family. */
final class AttentionBackward {
    private AttentionBackward() {}
    static AttentionGrads of(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias, Tensor out, Tensor dOut) { throw new UnsupportedOperationException("not yet implemented"); }
}
