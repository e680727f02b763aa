package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Tensor;

/** Reductions and layout ops of {@link OpenClBackend}, each a strided copy ({@link StridedMap}) or a small kernel. */
final class Layout {
    private final OpenClBackend backend;
    private final DeviceArena arena;

    Layout(OpenClBackend backend, DeviceArena arena) {
        this.backend = backend;
        this.arena = arena;
    }


    /** Copies x (address {@code x}, strides {@code xs}) into the view of the output at {@code o} (strides {@code os}) over {@code shape}. */
    private void copy(int[] shape, int o, int[] os, int x, int[] xs) {
        StridedMap.launch(arena, shape, o, os, x, xs, -1, null, ElementwiseKernels.BIN_NONE, ElementwiseKernels.UN_ID, 0f, 0f);
    }

    Tensor reduce(Tensor x, int dim, int kind) {
        int[] s = x.shape();
        OpShapes.AxisDims ad = OpShapes.around("dim", x, dim);
        int dd = ad.axis(), inner = ad.inner(), outer = ad.outer();
        s[dd] = 1;
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x);
            Tensor o = ops.out(s);
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = KernelBase.OP_REDUCE;
                k.aOff = xo;
                k.oOff = Operands.offset(o);
                k.n0 = outer * inner;
                k.n1 = x.dim(dd);
                k.n2 = inner;
                k.n3 = kind;
                arena.launch1d(outer * inner);
            }
            return o;
        }
    }

    Tensor permute(Tensor x, int... axes) {
        int[] s = x.shape(), os = OpShapes.permute(x, axes), st = StridedMap.contiguous(s), xs = new int[s.length];
        for (int i = 0; i < s.length; i++) xs[i] = st[axes[i]];
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x);
            Tensor o = ops.out(os);
            copy(os, Operands.offset(o), StridedMap.contiguous(os), xo, xs);
            return o;
        }
    }

    Tensor slice(Tensor x, int dim, int start, int end) {
        int[] s = x.shape();
        int dd = OpShapes.slice(x, dim, start, end).axis();
        int[] st = StridedMap.contiguous(s);
        s[dd] = end - start;
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x);
            Tensor o = ops.out(s);
            copy(s, Operands.offset(o), StridedMap.contiguous(s), xo + start * st[dd], st);
            return o;
        }
    }

    Tensor concat(int dim, Tensor... xs) {
        int dd = OpShapes.axis("dim", xs[0], dim);
        int[] s = OpShapes.concat(dd, xs);
        try (Operands ops = backend.operands()) {
            Tensor o = ops.out(s);
            int[] ost = StridedMap.contiguous(s);
            int at = 0;
            for (Tensor t : xs) {
                int xo = ops.in(t);
                copy(t.shape(), Operands.offset(o) + at * ost[dd], ost, xo, StridedMap.contiguous(t.shape()));
                at += t.dim(dd);
            }
            return o;
        }
    }

    Tensor flip(Tensor x, int dim) {
        int[] s = x.shape();
        int dd = OpShapes.axis("dim", x, dim);
        int[] st = StridedMap.contiguous(s);
        int start = (s[dd] - 1) * st[dd];
        st[dd] = -st[dd];
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x);
            Tensor o = ops.out(s);
            copy(s, Operands.offset(o), StridedMap.contiguous(s), xo + Math.max(start, 0), st);
            return o;
        }
    }

    Tensor pad2d(Tensor x, int left, int right, int top, int bottom) {
        OpShapes.PlaneDims pd = OpShapes.pad2d(x, left, right, top, bottom);
        int h = pd.h(), w = pd.w(), planes = pd.planes(), nh = pd.nh(), nw = pd.nw();
        Tensor o = backend.full(0f, pd.outShape());
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x), oo = ops.in(o);
            copy(new int[] {planes, h, w}, oo + top * nw + left, new int[] {nh * nw, nw, 1}, xo, new int[] {h * w, w, 1});
            return o;
        }
    }

    Tensor upsampleNearest2d(Tensor x, int factor) {
        OpShapes.PlaneDims pd = OpShapes.upsampleNearest2d(x, factor);
        int h = pd.h(), w = pd.w(), planes = pd.planes();
        // The output, seen as [planes, h, factor, w, factor], is contiguous; x is read with 0 strides on the factors.
        int[] view = {planes, h, factor, w, factor};
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x);
            Tensor o = ops.out(pd.outShape());
            copy(view, Operands.offset(o), StridedMap.contiguous(view), xo, new int[] {h * w, w, 0, 1, 0});
            return o;
        }
    }

    Tensor embedding(Tensor table, Tensor ids) {
        if (!ids.isHost()) throw OpShapes.error("embedding", "ids must be a host I64/I32 tensor", ids);
        long[] is = ids.toLongArray();
        int[] s = OpShapes.embedding(table, ids, is);
        int d = table.dim(1);
        try (Operands ops = backend.operands()) {
            Tensor o = ops.out(s);
            if (is.length == 0) return o;
            // ids go up widened to f32 (exact below 2^24, far above any vocabulary); mapped id tensors are cached
            int to = ops.in(table), io = ops.in(ids);
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = KernelBase.OP_GATHER;
                k.aOff = to;
                k.bOff = io;
                k.oOff = Operands.offset(o);
                k.n0 = is.length * d;
                k.n1 = d;
                arena.launch1d(is.length * d);
            }
            return o;
        }
    }
}
