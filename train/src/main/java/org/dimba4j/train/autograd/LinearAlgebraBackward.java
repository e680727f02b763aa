package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/** Backward of matmul and linear, written as more matmuls (the products of the chain rule, as in llm.c's matmul_backward). */
final class LinearAlgebraBackward {
    private LinearAlgebraBackward() {}

    /**
     * out = A @ B with A = op(a) [..., M, K], B = op(b) [..., K, N] or a shared 2-D [K, N]: dA = dy B^T, dB = A^T dy, each
     * taken back through its transpose flag.
     */
    static void matmul(Backend be, Tensor a, Tensor b, boolean transA, boolean transB, Tensor dy, GradientSink sink) {
        boolean sharedB = b.rank() == 2 && a.rank() > 2;
        if (sink.wants(a)) {
            Tensor da;
            if (!transA) da = be.matmul(dy, b, false, !transB);           // dy B^T
            else if (!sharedB) da = be.matmul(b, dy, transB, true);       // (dy B^T)^T = B dy^T
            else da = swapLastTwo(be, be.matmul(dy, b, false, !transB));
            sink.add(a, da);
        }
        if (sink.wants(b)) {
            Tensor db;
            if (sharedB) { // every batch used the same B: sum the batches by folding them into the rows
                Tensor rowsA = (transA ? swapLastTwo(be, a) : a).reshape(-1, a.dim(transA ? -2 : -1));
                Tensor rowsDy = dy.reshape(-1, dy.dim(-1));
                db = transB ? be.matmul(rowsDy, rowsA, true, false) : be.matmul(rowsA, rowsDy, true, false);
            } else {
                db = transB ? be.matmul(dy, a, true, transA) : be.matmul(a, dy, !transA, false);
            }
            sink.add(b, db);
        }
    }

    /** y = x W^T + bias over rows: dx = dy W, dW = dy^T x summed over all rows, dBias = sum of dy over rows. */
    static void linear(Backend be, Tensor x, Tensor weight, Tensor bias, Tensor dy, GradientSink sink) {
        int out = weight.dim(0), in = weight.dim(1);
        Tensor rowsDy = dy.reshape(-1, out);
        if (sink.wants(x)) sink.add(x, be.matmul(rowsDy, weight, false, false));
        if (sink.wants(weight)) sink.add(weight, be.matmul(rowsDy, x.reshape(-1, in), true, false));
        if (sink.wants(bias)) sink.add(bias, be.sum(rowsDy, 0));
    }

    static Tensor swapLastTwo(Backend be, Tensor t) {
        int r = t.rank();
        int[] axes = new int[r];
        for (int i = 0; i < r; i++) axes[i] = i;
        axes[r - 2] = r - 1;
        axes[r - 1] = r - 2;
        return be.permute(t, axes);
    }
}
