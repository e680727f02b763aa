package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.NormGrads;

import java.util.Arrays;

/** Host side of {@link BackwardKernels} (activations, softmax, norms, attention): shape checks and launches. */
final class BackwardOps {
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
     * a scratch buffer), then, with a weight, one for dWeight (and LayerNorm's dBias) over channels.
     */
    static NormGrads norm(OpenClBackend backend, DeviceArena arena, String op, boolean layer, Tensor x, Tensor weight,
                          float eps, Tensor dy) {
        int c = x.dim(-1), rows = Shape.rows(x.shape());
        OpShapes.channelParams(op, x, c, weight, null);
        OpShapes.gradient(op, dy, x.shape());
        try (Operands ops = backend.operands()) {
            int xo = ops.in(x), wo = ops.opt(weight), go = ops.in(dy);
            Tensor dx = ops.out(x.shape());
            Tensor dWeight = ops.outIf(weight != null, c);
            Tensor dBias = ops.outIf(weight != null && layer, c);
            int stats = weight != null ? ops.scratch(2L * rows) : -1;
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
                    k.oOff = Operands.offset(dWeight);
                    k.eOff = dBias == null ? -1 : Operands.offset(dBias);
                    arena.launch1d(c);
                }
            }
            return new NormGrads(dx, reshape(dWeight, weight), reshape(dBias, weight));
        }
    }

    private static Tensor reshape(Tensor g, Tensor like) {
        return g == null ? null : g.reshape(like.shape());
    }

    /**
     * FlashAttention-2 style backward in three launches, none holding an Lq x Lk matrix: per query row the logsumexp
     * and D_i = dO_i . O_i; dQ per query row walking the keys; dK and dV per key walking the queries. Each output
     * element is summed by one work-item in a fixed order (deterministic, no atomics).
     */
    static AttentionGrads attention(OpenClBackend backend, DeviceArena arena, Tensor q, Tensor k, Tensor v, int heads,
                                    float scale, Tensor keyMask, Tensor bias, Tensor out, Tensor dOut) {
        OpShapes.AttentionDims ad = OpShapes.attention(q, k, v, heads, keyMask, bias);
        if (!Arrays.equals(out.shape(), q.shape())) {
            throw OpShapes.error("attentionBackward", "out must be the forward output, shaped like q", q, out);
        }
        OpShapes.gradient("attentionBackward", dOut, q.shape());
        int bsz = ad.batch(), lq = ad.lq(), lk = ad.lk(), d = ad.headDim();
        if (d > AttentionKernels.MAX_HEAD_DIM) {
            throw OpShapes.error("attentionBackward", "head dim " + d + " exceeds the OpenCL kernel's " + AttentionKernels.MAX_HEAD_DIM, q);
        }
        try (Operands ops = backend.operands()) {
            int qo = ops.in(q), ko = ops.in(k), vo = ops.in(v), mo = ops.opt(keyMask), bo = ops.opt(bias);
            int oo = ops.in(out), go = ops.in(dOut);
            Tensor dq = ops.out(q.shape()), dk = ops.out(k.shape()), dv = ops.out(v.shape());
            int rowsQ = bsz * heads * lq, rowsK = bsz * heads * lk;
            int stats = ops.scratch(2L * rowsQ);
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
                kk.op = BackwardKernels.OP_ATTENTION_STATS;
                kk.fOff = oo;
                arena.launch1d(rowsQ);
                kk.op = BackwardKernels.OP_ATTENTION_DQ;
                kk.oOff = Operands.offset(dq);
                arena.launch1d(rowsQ);
                kk.op = BackwardKernels.OP_ATTENTION_DKV;
                kk.oOff = Operands.offset(dk);
                kk.fOff = Operands.offset(dv);
                arena.launch1d(rowsK);
            }
            return new AttentionGrads(dq, dk, dv);
        }
    }
}
