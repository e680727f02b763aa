package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Shape;

import java.util.Arrays;

/**
 * Launches {@link ElementwiseKernels#map}: out = unary(binary(a, b)) over an index space of up to 6 dims, each operand
 * with its own element strides. Broadcasting is a 0 stride, flip a negative one, and permute/slice/concat/pad/upsample
 * are strided copies, so one kernel serves all of them.
 */
final class StridedMap {
    private StridedMap() {}

    /** Row-major strides of {@code shape} (a contiguous tensor). */
    static int[] contiguous(int[] shape) {
        long[] st = Shape.strides(shape);
        int[] r = new int[st.length];
        for (int i = 0; i < st.length; i++) r[i] = Math.toIntExact(st[i]);
        return r;
    }

    /** Strides of a tensor of shape {@code s} read over the broadcast shape {@code os} (0 where s has a 1). */
    static int[] broadcastStrides(int[] s, int[] os) {
        int[] st = contiguous(s), r = new int[os.length];
        int off = os.length - s.length;
        for (int i = 0; i < s.length; i++) r[i + off] = s[i] == 1 ? 0 : st[i];
        return r;
    }

    static void launch(DeviceArena arena, int[] shape, int o, int[] os, int a, int[] as, int b, int[] bs,
                       int binary, int unary, float f0, float f1) {
        int rank = shape.length;
        if (rank > ElementwiseKernels.MAX_DIMS) {
            throw new IllegalArgumentException("OpenCL elementwise ops support up to " + ElementwiseKernels.MAX_DIMS
                    + " dims, got " + Shape.str(shape));
        }
        int n = Math.toIntExact(Shape.numel(shape));
        if (n == 0) return;
        int[] sh = pad(shape, 1), ost = pad(os, 0), ast = pad(as, 0), bst = bs == null ? new int[6] : pad(bs, 0);
        synchronized (arena) {
            DeviceKernel k = arena.kernel();
            k.op = KernelBase.OP_MAP;
            k.n0 = n;
            k.n1 = binary;
            k.n2 = unary;
            k.f0 = f0;
            k.f1 = f1;
            k.oOff = o;
            k.aOff = a;
            k.bOff = Math.max(b, 0);
            k.sh0 = sh[0]; k.sh1 = sh[1]; k.sh2 = sh[2]; k.sh3 = sh[3]; k.sh4 = sh[4]; k.sh5 = sh[5];
            k.os0 = ost[0]; k.os1 = ost[1]; k.os2 = ost[2]; k.os3 = ost[3]; k.os4 = ost[4]; k.os5 = ost[5];
            k.as0 = ast[0]; k.as1 = ast[1]; k.as2 = ast[2]; k.as3 = ast[3]; k.as4 = ast[4]; k.as5 = ast[5];
            k.bs0 = bst[0]; k.bs1 = bst[1]; k.bs2 = bst[2]; k.bs3 = bst[3]; k.bs4 = bst[4]; k.bs5 = bst[5];
            arena.launch1d(n);
        }
    }

    /** Left-pads to 6 dims with {@code fill}. */
    private static int[] pad(int[] v, int fill) {
        int[] r = new int[ElementwiseKernels.MAX_DIMS];
        Arrays.fill(r, 0, r.length - v.length, fill);
        System.arraycopy(v, 0, r, r.length - v.length, v.length);
        return r;
    }
}
