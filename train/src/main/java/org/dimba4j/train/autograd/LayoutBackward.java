package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Tensor;

/** Backward of reductions and layout ops: each is another layout op on dy (broadcast, inverse permutation, placement). */
final class LayoutBackward {
    private LayoutBackward() {}

    /** sum over dim keeps it with size 1: every element of x gets dy of its slot (broadcast back). */
    static void sum(Backend be, Tensor x, Tensor dy, GradientSink sink) {
        sink.add(x, broadcast(be, dy, x.shape()));
    }

    static void mean(Backend be, Tensor x, int dim, Tensor dy, GradientSink sink) {
        int n = x.dim(OpShapes.around("mean", x, dim).axis());
        sink.add(x, broadcast(be, be.scale(dy, 1f / n), x.shape()));
    }

    static void permute(Backend be, Tensor x, int[] axes, Tensor dy, GradientSink sink) {
        int[] inverse = new int[axes.length];
        for (int i = 0; i < axes.length; i++) inverse[axes[i]] = i;
        sink.add(x, be.permute(dy, inverse));
    }

    /** Each input pixel was copied to a factor x factor block: its gradient is that block of dy, summed. */
    static void upsampleNearest2d(Backend be, Tensor x, int factor, Tensor dy, GradientSink sink) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        Tensor blocks = dy.reshape(n, c, h, factor, w, factor);
        sink.add(x, be.sum(be.sum(blocks, 5), 3).reshape(n, c, h, w));
    }

    /** The slice's gradient placed at start..end-1 along dim, zeros around it (put together by the sink). */
    static void slice(Backend be, Tensor x, int dim, int start, int end, Tensor dy, GradientSink sink) {
        int axis = OpShapes.around("slice", x, dim).axis(), len = x.dim(axis);
        if (start == 0 && end == len) sink.add(x, dy);
        else sink.addSlice(x, axis, start, end, dy);
    }

    /** Each input gets its own stretch of dy along dim. */
    static void concat(Backend be, int dim, Tensor[] xs, Tensor dy, GradientSink sink) {
        int axis = OpShapes.around("concat", xs[0], dim).axis(), off = 0;
        for (Tensor x : xs) {
            int len = x.dim(axis);
            if (sink.wants(x)) sink.add(x, be.slice(dy, axis, off, off + len));
            off += len;
        }
    }

    static void flip(Backend be, Tensor x, int dim, Tensor dy, GradientSink sink) {
        sink.add(x, be.flip(dy, dim));
    }

    /** Zero padding of the last two dims: the gradient is dy with the pad cut away. */
    static void pad2d(Backend be, Tensor x, int left, int top, Tensor dy, GradientSink sink) {
        int h = x.dim(-2), w = x.dim(-1), r = dy.rank();
        sink.add(x, be.slice(be.slice(dy, r - 2, top, top + h), r - 1, left, left + w));
    }

    /** Scatter-add of dy's rows into the table rows that the ids picked. */
    static void embedding(Backend be, Tensor table, Tensor ids, Tensor dy, GradientSink sink) {
        sink.add(table, be.embeddingBackward(ids, dy, table.dim(0)));
    }

    /** dy (with size-1 or missing dims) expanded to {@code shape} by broadcasting against zeros. */
    static Tensor broadcast(Backend be, Tensor dy, int[] shape) {
        return java.util.Arrays.equals(dy.shape(), shape) ? dy : be.add(be.zeros(shape), dy);
    }
}
