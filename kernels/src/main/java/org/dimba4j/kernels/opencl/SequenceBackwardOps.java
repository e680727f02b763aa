package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.ScanGrads;


/**
 * Host side of {@link SequenceBackwardKernels} (selective scan, convolutions, embedding): shape checks, scratch
 * buffers and launches, including the second-pass reductions of the scan's partial sums.
 */
final class SequenceBackwardOps {
    /** Float-encoded indices are exact up to 2^24. */
    private static final int EXACT_FLOAT_INTS = 1 << 24;
    /**
     * Positions per work-item of the convolution weight gradients (conv1d: (b, t) rows; conv2d: about this many output
     * pixels, in whole rows): enough work-items for a GPU, few partials to reduce (see {@link BackwardOps#rowsPerBlock}).
     */
    private static final int CONV1D_ROWS = 64, CONV2D_POSITIONS = 128;

    private SequenceBackwardOps() {}

    /**
     * Selective-scan backward: one launch over (batch, channel) that recomputes the states into a scratch buffer and
     * walks time backwards, then reductions of its partials: dB and dC over channels, dA, dD and dDeltaBias over the
     * batch. Scratch: two [B, L, E, N] buffers and the [B, E, N] partials, freed when done.
     */
    static ScanGrads selectiveScan(OpenClBackend backend, DeviceArena arena, Tensor u, Tensor delta, Tensor a, Tensor b,
                                   Tensor c, Tensor d, Tensor z, Tensor deltaBias, boolean deltaSoftplus, Tensor dOut) {
        OpShapes.ScanDims sd = OpShapes.selectiveScanBackward(u, delta, a, b, c, d, z, deltaBias, dOut);
        int bsz = sd.batch(), l = sd.l(), e = sd.e(), n = sd.n();
        if (n > SequenceKernels.MAX_STATE) {
            throw OpShapes.error("selectiveScanBackward", "state size " + n + " exceeds " + SequenceKernels.MAX_STATE, a);
        }
        try (Operands ops = backend.operands()) {
            int uo = ops.in(u), dlo = ops.in(delta), ao = ops.in(a), bo = ops.in(b), co = ops.in(c);
            int dOff = ops.opt(d), zo = ops.opt(z), dbo = ops.opt(deltaBias), go = ops.in(dOut);
            Tensor du = ops.out(u.shape()), dDelta = ops.out(u.shape()), dA = ops.out(a.shape());
            Tensor dB = ops.out(b.shape()), dC = ops.out(c.shape());
            Tensor dD = ops.outIf(d != null, e), dZ = ops.outIf(z != null, u.shape());
            Tensor dDeltaBias = ops.outIf(deltaBias != null, e);
            long big = (long) bsz * l * e * n;
            int states = ops.scratch(big), dBPart = ops.scratch(big), dAPart = ops.scratch((long) bsz * e * n);
            int dDPart = d != null ? ops.scratch((long) bsz * e) : -1;
            int dDeltaBiasPart = deltaBias != null ? ops.scratch((long) bsz * e) : -1;
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = SequenceBackwardKernels.OP_SCAN_GRAD;
                k.aOff = uo;
                k.bOff = dlo;
                k.cOff = ao;
                k.dOff = bo;
                k.eOff = co;
                k.fOff = dOff;
                k.gOff = zo;
                k.hOff = dbo;
                k.dOutOff = go;
                k.oOff = Operands.offset(du);
                k.dDeltaOff = Operands.offset(dDelta);
                k.dzOff = dZ == null ? -1 : Operands.offset(dZ);
                k.statesOff = states;
                k.dBPartOff = dBPart;
                k.dAPartOff = dAPart;
                k.dDPartOff = dDPart;
                k.dDeltaBiasPartOff = dDeltaBiasPart;
                k.n0 = bsz;
                k.n1 = l;
                k.n2 = e;
                k.n3 = n;
                k.n4 = deltaSoftplus ? 1 : 0;
                arena.launch1d(bsz * e);
                BackwardOps.sumMiddle(arena, dBPart, Operands.offset(dB), bsz * l, e, n);
                BackwardOps.sumMiddle(arena, states, Operands.offset(dC), bsz * l, e, n); // the states now hold dy * h
                BackwardOps.sumMiddle(arena, dAPart, Operands.offset(dA), 1, bsz, e * n);
                if (dD != null) BackwardOps.sumMiddle(arena, dDPart, Operands.offset(dD), 1, bsz, e);
                if (dDeltaBias != null) BackwardOps.sumMiddle(arena, dDeltaBiasPart, Operands.offset(dDeltaBias), 1, bsz, e);
            }
            return new ScanGrads(du, dDelta, dA, dB, dC, reshape(dD, d), dZ, reshape(dDeltaBias, deltaBias));
        }
    }

    private static Tensor reshape(Tensor g, Tensor like) {
        return g == null ? null : g.reshape(like.shape());
    }

    static ConvGrads causalConv1d(OpenClBackend backend, DeviceArena arena, Tensor x, Tensor weight, Tensor dy,
                                  boolean withBias) {
        OpShapes.CausalConv1dDims cd = OpShapes.causalConv1dBackward(x, weight, dy);
        int b = cd.b(), l = cd.l(), c = cd.c(), taps = cd.k();
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x), wo = ops.in(weight), go = ops.in(dy);
            Tensor dx = ops.out(x.shape()), dW = ops.out(weight.shape()), dBias = ops.outIf(withBias, c);
            int rowsPerBlock = BackwardOps.rowsPerBlock(b * l, CONV1D_ROWS, (long) c * (taps + 1));
            int blocks = BackwardOps.blocks(b * l, rowsPerBlock);
            int wPart = blocks == 1 ? Operands.offset(dW) : ops.scratch((long) blocks * c * taps);
            int bPart = dBias == null ? -1 : blocks == 1 ? Operands.offset(dBias) : ops.scratch((long) blocks * c);
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = SequenceBackwardKernels.OP_CONV1D_GRAD_X;
                k.aOff = xo;
                k.bOff = wo;
                k.cOff = go;
                k.oOff = Operands.offset(dx);
                k.n0 = b * l * c;
                k.n1 = l;
                k.n2 = c;
                k.n3 = taps;
                k.n4 = b;
                arena.launch1d(k.n0);
                k.op = SequenceBackwardKernels.OP_CONV1D_GRAD_W;
                k.oOff = wPart;
                k.dOff = bPart;
                k.n5 = rowsPerBlock;
                k.n0 = blocks * c * (taps + 1);
                arena.launch1d(k.n0);
                if (blocks > 1) {
                    BackwardOps.sumMiddle(arena, wPart, Operands.offset(dW), 1, blocks, c * taps);
                    if (dBias != null) BackwardOps.sumMiddle(arena, bPart, Operands.offset(dBias), 1, blocks, c);
                }
            }
            return new ConvGrads(dx, dW, dBias);
        }
    }

    static ConvGrads conv2d(OpenClBackend backend, DeviceArena arena, Tensor x, Tensor weight, Tensor dy, boolean withBias,
                            int strideH, int strideW, int padH, int padW, int groups) {
        OpShapes.Conv2dDims cd = OpShapes.conv2dBackward(x, weight, dy, strideH, strideW, padH, padW, groups);
        int o = cd.o();
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x), wo = ops.in(weight), go = ops.in(dy);
            Tensor dx = ops.out(x.shape()), dW = ops.out(weight.shape()), dBias = ops.outIf(withBias, o);
            int weights = Math.toIntExact(weight.numel());
            int outRows = cd.n() * cd.ho();
            int rowsPerBlock = BackwardOps.rowsPerBlock(outRows, Math.max(1, CONV2D_POSITIONS / cd.wo()), weights + (long) o);
            int blocks = BackwardOps.blocks(outRows, rowsPerBlock);
            int wPart = blocks == 1 ? Operands.offset(dW) : ops.scratch((long) blocks * weights);
            int bPart = dBias == null ? -1 : blocks == 1 ? Operands.offset(dBias) : ops.scratch((long) blocks * o);
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = SequenceBackwardKernels.OP_CONV2D_GRAD_X;
                k.aOff = xo;
                k.bOff = wo;
                k.cOff = go;
                k.oOff = Operands.offset(dx);
                k.n0 = Math.toIntExact(x.numel());
                k.n1 = cd.c();
                k.n2 = cd.h();
                k.n3 = cd.w();
                k.n4 = o;
                k.n5 = cd.cg();
                k.n6 = cd.kh();
                k.n7 = cd.kw();
                k.n8 = cd.ho();
                k.n9 = cd.wo();
                k.n10 = strideH;
                k.n11 = strideW;
                k.n12 = padH;
                k.n13 = padW;
                k.n14 = o / groups;
                k.convBatch = cd.n();
                arena.launch1d(k.n0);
                k.op = SequenceBackwardKernels.OP_CONV2D_GRAD_W;
                k.oOff = wPart;
                k.dOff = bPart;
                k.convRowsPerBlock = rowsPerBlock;
                k.n0 = blocks * (weights + (withBias ? o : 0));
                arena.launch1d(k.n0);
                if (blocks > 1) {
                    BackwardOps.sumMiddle(arena, wPart, Operands.offset(dW), 1, blocks, weights);
                    if (dBias != null) BackwardOps.sumMiddle(arena, bPart, Operands.offset(dBias), 1, blocks, o);
                }
            }
            return new ConvGrads(dx, dW, dBias);
        }
    }

    /**
     * Embedding backward as a gather, not a scatter: the host (which holds the ids) lists the positions of each row's
     * id in ascending order, so each output element sums its own dOut rows in a fixed order (no atomics).
     */
    static Tensor embedding(OpenClBackend backend, DeviceArena arena, Tensor ids, Tensor dOut, int rows) {
        if (!ids.isHost()) throw OpShapes.error("embeddingBackward", "ids must be a host I64/I32 tensor", ids);
        long[] is = ids.toLongArray();
        int dim = OpShapes.embeddingBackward(ids, dOut, rows, is);
        if (is.length >= EXACT_FLOAT_INTS || rows >= EXACT_FLOAT_INTS) {
            throw OpShapes.error("embeddingBackward", "more than 2^24 ids or rows", ids, dOut);
        }
        float[] index = new float[rows + 1 + is.length];
        int[] count = new int[rows + 1];
        for (long id : is) count[(int) id + 1]++;
        for (int r = 0; r < rows; r++) count[r + 1] += count[r];
        for (int r = 0; r <= rows; r++) index[r] = count[r];
        for (int p = 0; p < is.length; p++) index[rows + 1 + count[(int) is[p]]++] = p;
        try (Operands ops = backend.operands()) {
            Tensor out = ops.out(rows, dim);
            if (Shape.numel(out.shape()) == 0) return out;
            int io = ops.in(Tensor.of(index, index.length)), go = ops.in(dOut);
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = SequenceBackwardKernels.OP_EMBEDDING_GRAD;
                k.aOff = io;
                k.bOff = go;
                k.oOff = Operands.offset(out);
                k.n0 = rows * dim;
                k.n1 = dim;
                k.n2 = rows + 1;
                arena.launch1d(k.n0);
            }
            return out;
        }
    }
}
