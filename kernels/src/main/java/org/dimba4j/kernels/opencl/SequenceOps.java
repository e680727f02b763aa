package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Tensor;

import static org.dimba4j.kernels.opencl.OpenClBackend.shapeError;

/** Host side of the convolution and selective-scan kernels ({@link SequenceKernels}): shape checks and launches. */
final class SequenceOps {
    private SequenceOps() {}

    static Tensor conv2d(OpenClBackend backend, DeviceArena arena, Tensor x, Tensor weight, Tensor bias,
                         int strideH, int strideW, int padH, int padW, int groups) {
        if (x.rank() != 4 || weight.rank() != 4) throw shapeError("conv2d", "x must be [N,C,H,W] and weight [O,C/g,kh,kw]", x, weight);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(0), cg = weight.dim(1), kh = weight.dim(2), kw = weight.dim(3);
        if (c % groups != 0 || o % groups != 0 || cg != c / groups) throw shapeError("conv2d", "channels do not match groups=" + groups, x, weight);
        int ho = (h + 2 * padH - kh) / strideH + 1, wo = (w + 2 * padW - kw) / strideW + 1;
        if (ho <= 0 || wo <= 0) throw shapeError("conv2d", "kernel larger than padded input", x, weight);
        if (bias != null && bias.numel() != o) throw shapeError("conv2d", "bias must be [" + o + "]", weight, bias);
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
        if (x.rank() != 3) throw shapeError("causalConv1d", "x must be [B, L, C]", x);
        int b = x.dim(0), l = x.dim(1), c = x.dim(2);
        int k = Math.toIntExact(weight.numel() / Math.max(1, c));
        if (weight.dim(0) != c || weight.numel() != (long) c * k) throw shapeError("causalConv1d", "weight must be [C, 1, K]", x, weight);
        if (bias != null && bias.numel() != c) throw shapeError("causalConv1d", "bias must be [" + c + "]", x, bias);
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
        if (u.rank() != 3 || a.rank() != 2 || b.rank() != 3 || c.rank() != 3) {
            throw shapeError("selectiveScan", "expected u [B,L,E], a [E,N], b/c [B,L,N]", u, a, b, c);
        }
        int bsz = u.dim(0), l = u.dim(1), e = u.dim(2), n = a.dim(1);
        if (a.dim(0) != e || b.dim(2) != n || c.dim(2) != n || b.dim(1) != l || c.dim(1) != l
                || b.dim(0) != bsz || c.dim(0) != bsz || delta.numel() != u.numel()) {
            throw shapeError("selectiveScan", "expected u [B,L,E], a [E,N], b/c [B,L,N]", u, a, b, c);
        }
        if (n > SequenceKernels.MAX_STATE) throw shapeError("selectiveScan", "state size " + n + " exceeds " + SequenceKernels.MAX_STATE, a);
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
