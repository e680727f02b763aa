package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.NormGrads;


/**
 * Host side of {@link BackwardKernels} (activations, softmax, norms) and {@link AttentionBackwardKernels}: shape checks
 * and launches.
 */
final class BackwardOps {
    /** Rows per work-item of the norms' weight gradients: enough work-items for a GPU, few partials to reduce. */
    static final int NORM_PARAM_ROWS = 64;
    /** Most partial sums a blocked weight gradient keeps (16 MiB of scratch); larger ones get longer blocks. */
    static final long MAX_PARTIALS = 1 << 22;

    private BackwardOps() {}

    /** dy * activation'(x) for the forward activation {@code code} (an {@code UN_} code). */
    static Tensor activation(OpenClBackend backend, DeviceArena arena, String op, int code, Tensor x, Tensor dy) {
        OpShapes.gradient(op, dy, x.shape());
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x), go = ops.in(dy);
            Tensor dx = ops.out(x.shape());
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = BackwardKernels.OP_ACTIVATION_GRAD;
                k.aOff = xo;
                k.bOff = go;
                k.oOff = Operands.offset(dx);
                k.n0 = Math.toIntExact(x.numel());
                k.n1 = code;
                arena.launch1d(k.n0);
            }
            return dx;
        }
    }

    static Tensor softmax(OpenClBackend backend, DeviceArena arena, Tensor y, Tensor dy) {
        OpShapes.gradient("softmaxBackward", dy, y.shape());
        int rows = Shape.rows(y.shape());
        try (Operands ops = backend.operands()) {
            int yo = ops.in(y), go = ops.in(dy);
            Tensor dx = ops.out(y.shape());
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = BackwardKernels.OP_SOFTMAX_GRAD;
                k.aOff = yo;
                k.bOff = go;
                k.oOff = Operands.offset(dx);
                k.n0 = rows;
                k.n1 = y.dim(-1);
                arena.launchGroups(rows * NormKernels.NORM_WG, NormKernels.NORM_WG);
            }
            return dx;
        }
    }

    /**
     * LayerNorm ({@code layer}) or RMSNorm backward: one launch for dx (which also leaves each row's mean and rstd in
     * a scratch buffer), then, with a weight, one for dWeight (and LayerNorm's dBias) per (block of rows, channel) and
     * the reduction of those blocks.
     */
    static NormGrads norm(OpenClBackend backend, DeviceArena arena, String op, boolean layer, Tensor x, Tensor weight,
                          float eps, Tensor dy) {
        int c = OpShapes.rowNormBackward(op, x, weight, dy), rows = Shape.rows(x.shape());
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x), wo = ops.opt(weight), go = ops.in(dy);
            Tensor dx = ops.out(x.shape());
            Tensor dWeight = ops.outIf(weight != null, c);
            Tensor dBias = ops.outIf(weight != null && layer, c);
            int stats = weight != null ? ops.scratch(2L * rows) : -1;
            int rowsPerBlock = rowsPerBlock(rows, NORM_PARAM_ROWS, c), blocks = blocks(rows, rowsPerBlock);
            // one block writes the result; more write partials, summed over the blocks in order afterwards
            int wPart = weight == null ? -1 : blocks == 1 ? Operands.offset(dWeight) : ops.scratch((long) blocks * c);
            int bPart = dBias == null ? -1 : blocks == 1 ? Operands.offset(dBias) : ops.scratch((long) blocks * c);
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = BackwardKernels.OP_NORM_GRAD;
                k.aOff = xo;
                k.bOff = wo;
                k.cOff = go;
                k.dOff = stats;
                k.oOff = Operands.offset(dx);
                k.n0 = rows;
                k.n1 = c;
                k.n2 = layer ? NormKernels.NORM_LAYER : NormKernels.NORM_RMS;
                k.f0 = eps;
                if (c > 0) arena.launchGroups(rows * NormKernels.NORM_WG, NormKernels.NORM_WG);
                if (weight != null) {
                    k.op = BackwardKernels.OP_NORM_PARAM_GRAD;
                    k.oOff = wPart;
                    k.eOff = bPart;
                    k.n7 = rowsPerBlock;
                    arena.launch1d(blocks * c);
                    if (blocks > 1) {
                        sumMiddle(arena, wPart, Operands.offset(dWeight), 1, blocks, c);
                        if (dBias != null) sumMiddle(arena, bPart, Operands.offset(dBias), 1, blocks, c);
                    }
                }
            }
            return new NormGrads(dx, reshape(dWeight, weight), reshape(dBias, weight));
        }
    }

    /**
     * Rows per block of a blocked weight gradient over {@code rows} rows with {@code perBlock} partials per block:
     * about {@code wanted}, more when the partials would exceed {@link #MAX_PARTIALS}. Depends only on shapes, so
     * results do not depend on the device.
     */
    static int rowsPerBlock(int rows, int wanted, long perBlock) {
        long most = Math.max(1, MAX_PARTIALS / Math.max(1, perBlock));
        long blocks = Math.min(most, Math.max(1, (rows + wanted - 1) / wanted));
        return (int) Math.max(1, (rows + blocks - 1) / blocks);
    }

    static int blocks(int rows, int rowsPerBlock) {
        return Math.max(1, (rows + rowsPerBlock - 1) / rowsPerBlock);
    }

    /** dst[o, i] = sum over m in order of src[o, m, i], for a [outer, len, inner] src ({@link ElementwiseKernels#reduce}). */
    static void sumMiddle(DeviceArena arena, int src, int dst, int outer, int len, int inner) {
        DeviceKernel k = arena.kernel();
        k.op = KernelBase.OP_REDUCE;
        k.aOff = src;
        k.oOff = dst;
        k.n0 = outer * inner;
        k.n1 = len;
        k.n2 = inner;
        k.n3 = ElementwiseKernels.RED_SUM;
        arena.launch1d(outer * inner);
    }

    private static Tensor reshape(Tensor g, Tensor like) {
        return g == null ? null : g.reshape(like.shape());
    }

    /**
     * FlashAttention-2 style backward in three launches ({@link AttentionBackwardKernels}), none holding an Lq x Lk
     * matrix: per query row the logsumexp and D_i = dO_i . O_i; dQ per query row walking the keys; dK and dV per key
     * walking the queries. Scratch: the per-row stats (2 floats per (b, h, i)).
     */
    static AttentionGrads attention(OpenClBackend backend, DeviceArena arena, Tensor q, Tensor k, Tensor v, int heads,
                                    float scale, Tensor keyMask, Tensor bias, Tensor out, Tensor dOut) {
        OpShapes.AttentionDims ad = OpShapes.attentionBackward(q, k, v, heads, keyMask, bias, out, dOut);
        int bsz = ad.batch(), lq = ad.lq(), lk = ad.lk(), d = ad.headDim();
        if (d > AttentionKernels.MAX_HEAD_DIM) {
            throw OpShapes.error("attentionBackward", "head dim " + d + " exceeds the OpenCL kernel's " + AttentionKernels.MAX_HEAD_DIM, q);
        }
        try (Operands ops = backend.operands()) {
            int qo = ops.in(q), ko = ops.in(k), vo = ops.in(v), mo = ops.opt(keyMask), bo = ops.opt(bias);
            int oo = ops.in(out), go = ops.in(dOut);
            Tensor dq = ops.out(q.shape()), dk = ops.out(k.shape()), dv = ops.out(v.shape());
            int qBlocks = (lq + AttentionKernels.TQ - 1) / AttentionKernels.TQ, kBlocks = (lk + AttentionKernels.TK - 1) / AttentionKernels.TK;
            int stats = ops.scratch(2L * bsz * heads * lq);
            synchronized (arena) {
                DeviceKernel kk = arena.kernel();
                kk.aOff = qo;
                kk.bOff = ko;
                kk.cOff = vo;
                kk.dOff = mo;
                kk.eOff = bo;
                kk.gOff = go;
                kk.hOff = stats;
                kk.n0 = bsz;
                kk.n1 = heads;
                kk.n2 = lq;
                kk.n3 = lk;
                kk.n4 = d;
                kk.n6 = ad.batchedBias() ? 1 : 0;
                kk.f0 = scale;
                kk.op = AttentionBackwardKernels.OP_ATTENTION_STATS;
                kk.fOff = oo;
                kk.n5 = qBlocks;
                arena.launchGroups(bsz * heads * qBlocks * AttentionKernels.TQ, AttentionKernels.TQ);
                kk.op = AttentionBackwardKernels.OP_ATTENTION_DQ;
                kk.oOff = Operands.offset(dq);
                arena.launchGroups(bsz * heads * qBlocks * AttentionKernels.TQ, AttentionKernels.TQ);
                kk.op = AttentionBackwardKernels.OP_ATTENTION_DKV;
                kk.oOff = Operands.offset(dk);
                kk.fOff = Operands.offset(dv);
                kk.n5 = kBlocks;
                arena.launchGroups(bsz * heads * kBlocks * AttentionKernels.TK, AttentionKernels.TK);
            }
            return new AttentionGrads(dq, dk, dv);
        }
    }
}
