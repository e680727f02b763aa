package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.*;

/** PLACEHOLDER: replaced by the helper that owns this op family. */
final class ActivationBackward {
    private ActivationBackward() {}
    static Tensor silu(Tensor x, Tensor dy) { throw new UnsupportedOperationException("not yet implemented"); }
    static Tensor geluTanh(Tensor x, Tensor dy) { throw new UnsupportedOperationException("not yet implemented"); }
    static Tensor geluErf(Tensor x, Tensor dy) { throw new UnsupportedOperationException("not yet implemented"); }
    static Tensor relu(Tensor x, Tensor dy) { throw new UnsupportedOperationException("not yet implemented"); }
    static Tensor softplus(Tensor x, Tensor dy) { throw new UnsupportedOperationException("not yet implemented"); }
    static Tensor embedding(Tensor ids, Tensor dOut, int rows) { throw new UnsupportedOperationException("not yet implemented"); }
}
