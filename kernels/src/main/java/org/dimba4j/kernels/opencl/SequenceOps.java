package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Tensor;

/** Host side of the convolution and selective-scan kernels ({@link SequenceKernels}): shape checks and launches. */
final class SequenceOps {
    private SequenceOps() {}

    static Tensor conv2d(OpenClBackend backend, DeviceArena arena, Tensor x, Tensor weight, Tensor bias,
                         int strideH, int strideW, int padH, int padW, int groups) {
        OpShapes.Conv2dDims d = OpShapes.conv2d(x, weight, bias, strideH, strideW, padH, padW, groups);
        int n = d.n(), c = d.c(), h = d.h(), w = d.w(), o = d.o(), cg = d.cg(), kh = d.kh(), kw = d.kw(), ho = d.ho(), wo = d.wo();
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x), wOff = ops.in(weight), bo = ops.opt(bias);
            Tensor out = ops.out(n, o, ho, wo);
            int total = Math.toIntExact(out.numel());
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = KernelBase.OP_CONV2D;
                k.aOff = xo;
                k.bOff = wOff;
                k.cOff = bo;
                k.oOff = Operands.offset(out);
                k.n0 = total;
                k.n1 = c;
                k.n2 = h;
                k.n3 = w;
                k.n4 = o;
                k.n5 = cg;
                k.n6 = kh;
                k.n7 = kw;
                k.n8 = ho;
                k.n9 = wo;
                k.n10 = strideH;
                k.n11 = strideW;
                k.n12 = padH;
                k.n13 = padW;
                k.n14 = o / groups;
                arena.launch1d(total);
            }
            return out;
        }
    }

    static Tensor causalConv1d(OpenClBackend backend, DeviceArena arena, Tensor x, Tensor weight, Tensor bias) {
        OpShapes.CausalConv1dDims d = OpShapes.causalConv1d(x, weight, bias);
        int b = d.b(), l = d.l(), c = d.c(), k = d.k();
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x), wOff = ops.in(weight), bo = ops.opt(bias);
            Tensor out = ops.out(x.shape());
            synchronized (arena) {
                DeviceKernel kk = arena.kernel();
                kk.op = KernelBase.OP_CONV1D;
                kk.aOff = xo;
                kk.bOff = wOff;
                kk.cOff = bo;
                kk.oOff = Operands.offset(out);
                kk.n0 = b * l * c;
                kk.n1 = l;
                kk.n2 = c;
                kk.n3 = k;
                arena.launch1d(b * l * c);
            }
            return out;
        }
    }

    static Tensor selectiveScan(OpenClBackend backend, DeviceArena arena, Tensor u, Tensor delta, Tensor a, Tensor b,
                                Tensor c, Tensor d, Tensor z, Tensor deltaBias, boolean deltaSoftplus) {
        OpShapes.ScanDims sd = OpShapes.selectiveScan(u, delta, a, b, c, d, z, deltaBias);
        int bsz = sd.batch(), l = sd.l(), e = sd.e(), n = sd.n();
        if (n > SequenceKernels.MAX_STATE) throw OpShapes.error("selectiveScan", "state size " + n + " exceeds " + SequenceKernels.MAX_STATE, a);
        try (Operands ops = backend.operands()) {
            int uo = ops.in(u), dlo = ops.in(delta), ao = ops.in(a), bo = ops.in(b), co = ops.in(c);
            int dOff = ops.opt(d), zo = ops.opt(z), dbo = ops.opt(deltaBias);
            Tensor out = ops.out(u.shape());
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = KernelBase.OP_SCAN;
                k.aOff = uo;
                k.bOff = dlo;
                k.cOff = ao;
                k.dOff = bo;
                k.eOff = co;
                k.fOff = dOff;
                k.gOff = zo;
                k.hOff = dbo;
                k.oOff = Operands.offset(out);
                k.n0 = bsz;
                k.n1 = l;
                k.n2 = e;
                k.n3 = n;
                k.n4 = deltaSoftplus ? 1 : 0;
                arena.launch1d(bsz * e);
            }
            return out;
        }
    }
}
