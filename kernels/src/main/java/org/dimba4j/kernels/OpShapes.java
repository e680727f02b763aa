package org.dimba4j.kernels;

import java.util.Arrays;

/**
 * The one place that checks an op's arguments and works out its output shape, shared by every backend so the
 * reference oracle, the CPU kernels and the OpenCL kernels accept exactly the same inputs and fail with the same
 * message ({@code "op: what (shapes [..] [..])"}). Each method returns the sizes the loops need.
 */
public final class OpShapes {
    private OpShapes() {}

    /** {@code op: what (shapes [a] [b] ...)}: names the op, the rule broken and every operand's shape. */
    public static IllegalArgumentException error(String op, String what, Tensor... ts) {
        StringBuilder sb = new StringBuilder(op).append(": ").append(what).append(" (shapes");
        for (Tensor t : ts) sb.append(' ').append(t == null ? "null" : Shape.str(t.shape()));
        return new IllegalArgumentException(sb.append(')').toString());
    }

    /** Checks that {@code dy}, the gradient of an op's output, has that output's shape. */
    public static void gradient(String op, Tensor dy, int[] outShape) {
        if (dy == null || !Arrays.equals(dy.shape(), outShape)) {
            throw new IllegalArgumentException(op + ": the output gradient must have the output's shape "
                    + Shape.str(outShape) + ", got " + (dy == null ? "null" : Shape.str(dy.shape())));
        }
    }

    // ---- linear algebra ----

    /** {@code batch} products of [m, k] x [k, n]; {@code sharedB}: a 2-D right operand serves every batch entry. */
    public record MatmulDims(int[] batchDims, int batch, int m, int k, int n, boolean sharedB) {
        /** batchDims followed by [m, n]. */
        public int[] outShape() {
            int[] os = Arrays.copyOf(batchDims, batchDims.length + 2);
            os[os.length - 2] = m;
            os[os.length - 1] = n;
            return os;
        }
    }

    public static MatmulDims matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2 || bs.length < 2) throw error("matmul", "operands must be at least 2-D", a, b);
        int m = transA ? as[as.length - 1] : as[as.length - 2];
        int k = transA ? as[as.length - 2] : as[as.length - 1];
        int kb = transB ? bs[bs.length - 1] : bs[bs.length - 2];
        int n = transB ? bs[bs.length - 2] : bs[bs.length - 1];
        if (k != kb) throw error("matmul", "inner dimensions differ: " + k + " vs " + kb, a, b);
        int[] batchDims = Arrays.copyOf(as, as.length - 2);
        boolean shared = bs.length == 2;
        if (!shared && !Arrays.equals(batchDims, Arrays.copyOf(bs, bs.length - 2))) {
            throw error("matmul", "batch dimensions differ", a, b);
        }
        return new MatmulDims(batchDims, Math.toIntExact(Shape.numel(batchDims)), m, k, n, shared);
    }

    /** x [..., in] times weight [out, in] transposed: {@code rows} rows of {@code in} features to {@code out}. */
    public record LinearDims(int rows, int in, int out, int[] outShape) {}

    public static LinearDims linear(Tensor x, Tensor weight, Tensor bias) {
        int in = x.dim(-1);
        if (weight.rank() != 2 || weight.dim(1) != in) throw error("linear", "weight must be [out, " + in + "]", x, weight);
        int outF = weight.dim(0);
        if (bias != null && bias.numel() != outF) throw error("linear", "bias must be [" + outF + "]", weight, bias);
        return new LinearDims(Shape.rows(x.shape()), in, outF, Shape.withLast(x.shape(), outF));
    }

    /** The broadcast shape of two elementwise operands (numpy rules). */
    public static int[] broadcast(String op, Tensor a, Tensor b) {
        try {
            return Shape.broadcast(a.shape(), b.shape());
        } catch (IllegalArgumentException ex) {
            throw error(op, "shapes do not broadcast", a, b);
        }
    }

    // ---- attention ----

    /** q [B, Lq, H*D], k/v [B, Lk, H*D]; {@code batchedBias}: the bias is [B, H, Lq, Lk] rather than [H, Lq, Lk]. */
    public record AttentionDims(int batch, int lq, int lk, int heads, int headDim, boolean batchedBias) {}

    public static AttentionDims attention(Tensor q, Tensor k, Tensor v, int heads, Tensor keyMask, Tensor bias) {
        if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3) throw error("attention", "q, k, v must be [B, L, H*D]", q, k, v);
        int bsz = q.dim(0), lq = q.dim(1), hd = q.dim(2), lk = k.dim(1);
        if (heads <= 0 || k.dim(0) != bsz || v.dim(0) != bsz || k.dim(2) != hd || v.dim(2) != hd || v.dim(1) != lk || hd % heads != 0) {
            throw error("attention", "inconsistent q/k/v for " + heads + " heads", q, k, v);
        }
        if (keyMask != null && keyMask.numel() != (long) bsz * lk) throw error("attention", "keyMask must be [B, Lk]", q, k, keyMask);
        boolean batchedBias = bias != null && bias.rank() == 4;
        if (bias != null && bias.numel() != (batchedBias ? (long) bsz : 1L) * heads * lq * lk) {
            throw error("attention", "bias must be [H, Lq, Lk] or [B, H, Lq, Lk]", q, k, bias);
        }
        return new AttentionDims(bsz, lq, lk, heads, hd / heads, batchedBias);
    }

    // ---- normalisation ----

    /** Per-channel affine parameters of a norm over {@code c} channels must each hold {@code c} values. */
    public static void channelParams(String op, Tensor x, int c, Tensor weight, Tensor bias) {
        if (weight != null && weight.numel() != c) throw error(op, "weight must be [" + c + "]", x, weight);
        if (bias != null && bias.numel() != c) throw error(op, "bias must be [" + c + "]", x, bias);
    }

    /** x [N, C, ...] normalised over {@code groups} groups of C / groups channels times {@code spatial} positions. */
    public record GroupNormDims(int n, int c, int spatial, int channelsPerGroup) {}

    public static GroupNormDims groupNorm(Tensor x, int groups, Tensor weight, Tensor bias) {
        int n = x.dim(0), c = x.dim(1);
        if (groups <= 0 || c % groups != 0) throw error("groupNorm", c + " channels are not divisible by " + groups + " groups", x);
        channelParams("groupNorm", x, c, weight, bias);
        int spatial = n * c == 0 ? 0 : Math.toIntExact(x.numel() / ((long) n * c));
        return new GroupNormDims(n, c, spatial, c / groups);
    }

    // ---- convolution and selective scan ----

    /** x [n, c, h, w], weight [o, cg = c/groups, kh, kw], output [n, o, ho, wo]. */
    public record Conv2dDims(int n, int c, int h, int w, int o, int cg, int kh, int kw, int ho, int wo) {}

    public static Conv2dDims conv2d(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW,
                                    int groups) {
        if (x.rank() != 4 || weight.rank() != 4) throw error("conv2d", "x must be [N,C,H,W] and weight [O,C/g,kh,kw]", x, weight);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(0), cg = weight.dim(1), kh = weight.dim(2), kw = weight.dim(3);
        if (groups <= 0 || c % groups != 0 || o % groups != 0 || cg != c / groups) {
            throw error("conv2d", "channels do not match groups=" + groups, x, weight);
        }
        if (bias != null && bias.numel() != o) throw error("conv2d", "bias must be [" + o + "]", weight, bias);
        if (strideH <= 0 || strideW <= 0 || padH < 0 || padW < 0) throw error("conv2d", "bad stride/padding", x, weight);
        int ho = (h + 2 * padH - kh) / strideH + 1, wo = (w + 2 * padW - kw) / strideW + 1;
        if (ho <= 0 || wo <= 0) throw error("conv2d", "kernel larger than padded input", x, weight);
        return new Conv2dDims(n, c, h, w, o, cg, kh, kw, ho, wo);
    }

    /** x [b, l, c] convolved per channel with a causal kernel of {@code k} taps (weight [c, 1, k]). */
    public record CausalConv1dDims(int b, int l, int c, int k) {}

    public static CausalConv1dDims causalConv1d(Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() != 3) throw error("causalConv1d", "x must be [B, L, C]", x, weight);
        int b = x.dim(0), l = x.dim(1), c = x.dim(2);
        int k = c == 0 ? 0 : Math.toIntExact(weight.numel() / c);
        if (weight.dim(0) != c || weight.numel() != (long) c * k) throw error("causalConv1d", "weight must be [C, 1, K]", x, weight);
        if (bias != null && bias.numel() != c) throw error("causalConv1d", "bias must be [" + c + "]", x, bias);
        return new CausalConv1dDims(b, l, c, k);
    }

    /** u [batch, l, e] scanned with a state of {@code n} per channel. */
    public record ScanDims(int batch, int l, int e, int n) {}

    public static ScanDims selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                         Tensor deltaBias) {
        if (u.rank() != 3 || a.rank() != 2 || b.rank() != 3 || c.rank() != 3) {
            throw error("selectiveScan", "expected u [B,L,E], a [E,N], b/c [B,L,N]", u, a, b, c);
        }
        int bsz = u.dim(0), l = u.dim(1), e = u.dim(2), n = a.dim(1);
        if (a.dim(0) != e || b.dim(0) != bsz || c.dim(0) != bsz || b.dim(2) != n || c.dim(2) != n || b.dim(1) != l || c.dim(1) != l
                || !Arrays.equals(delta.shape(), u.shape()) || (z != null && !Arrays.equals(z.shape(), u.shape()))
                || (d != null && d.numel() != e) || (deltaBias != null && deltaBias.numel() != e)) {
            throw error("selectiveScan", "expected u, delta, z [B,L,E], a [E,N], b/c [B,L,N], d/deltaBias [E]", u, delta, a, b, c);
        }
        return new ScanDims(bsz, l, e, n);
    }

    // ---- layout ----

    /** Rows {@code ids} of table [V, D], each id in [0, V): the output shape is ids' shape followed by D. */
    public static int[] embedding(Tensor table, Tensor ids, long[] idValues) {
        if (table.rank() != 2) throw error("embedding", "table must be [V, D]", table);
        int v = table.dim(0);
        for (long id : idValues) {
            if (id < 0 || id >= v) throw new IllegalArgumentException("embedding: id " + id + " outside vocabulary of " + v);
        }
        int[] s = Arrays.copyOf(ids.shape(), ids.rank() + 1);
        s[ids.rank()] = table.dim(1);
        return s;
    }

    /** {@code dim} counted from the end when negative, checked against x's rank. */
    public static int axis(String op, Tensor x, int dim) {
        int d = dim < 0 ? x.rank() + dim : dim;
        if (d < 0 || d >= x.rank()) throw error(op, "dim " + dim + " out of range", x);
        return d;
    }

    /** A tensor seen as {@code outer} blocks of {@code len} entries along the axis, each {@code inner} values long. */
    public record AxisDims(int axis, int outer, int len, int inner) {}

    public static AxisDims around(String op, Tensor x, int dim) {
        int[] s = x.shape();
        int dd = axis(op, x, dim);
        int inner = Math.toIntExact(Shape.numel(Arrays.copyOfRange(s, dd + 1, s.length)));
        int outer = Math.toIntExact(Shape.numel(Arrays.copyOf(s, dd)));
        return new AxisDims(dd, outer, s[dd], inner);
    }

    /** The output shape of permute; the axes must be a permutation of x's dims. */
    public static int[] permute(Tensor x, int... axes) {
        int[] s = x.shape();
        if (axes.length != s.length) throw error("permute", "axes " + Arrays.toString(axes) + " do not match rank", x);
        boolean[] seen = new boolean[s.length];
        for (int a : axes) {
            if (a < 0 || a >= s.length || seen[a]) throw error("permute", "axes " + Arrays.toString(axes) + " are not a permutation", x);
            seen[a] = true;
        }
        int[] os = new int[s.length];
        for (int i = 0; i < s.length; i++) os[i] = s[axes[i]];
        return os;
    }

    public static AxisDims slice(Tensor x, int dim, int start, int end) {
        AxisDims ad = around("slice", x, dim);
        if (start < 0 || end > ad.len() || start > end) throw error("slice", "range " + start + ".." + end + " outside dim " + ad.axis(), x);
        return ad;
    }

    /** The output shape of concat along {@code axis}: equal ranks, equal sizes off that axis. */
    public static int[] concat(int axis, Tensor... xs) {
        int[] s = xs[0].shape();
        int total = 0;
        for (Tensor t : xs) {
            int[] ts = t.shape();
            if (ts.length != s.length) throw error("concat", "ranks differ", xs);
            for (int i = 0; i < s.length; i++) {
                if (i != axis && ts[i] != s[i]) throw error("concat", "shapes differ outside dim " + axis, xs);
            }
            total += ts[axis];
        }
        s[axis] = total;
        return s;
    }

    /** x [..., h, w] as {@code planes} planes, resized to [..., nh, nw] ({@code outShape}). */
    public record PlaneDims(int planes, int h, int w, int nh, int nw, int[] outShape) {}

    private static PlaneDims planes(Tensor x, int nh, int nw) {
        int[] s = x.shape();
        int h = s[s.length - 2], w = s[s.length - 1];
        int planes = Math.toIntExact(x.numel() / Math.max(1L, (long) h * w));
        s[s.length - 2] = nh;
        s[s.length - 1] = nw;
        return new PlaneDims(planes, h, w, nh, nw, s);
    }

    public static PlaneDims pad2d(Tensor x, int left, int right, int top, int bottom) {
        if (x.rank() < 2) throw error("pad2d", "x must be at least 2-D", x);
        return planes(x, x.dim(-2) + top + bottom, x.dim(-1) + left + right);
    }

    public static PlaneDims upsampleNearest2d(Tensor x, int factor) {
        if (x.rank() < 2 || factor < 1) throw error("upsampleNearest2d", "needs [..., H, W] and a factor >= 1, got " + factor, x);
        return planes(x, x.dim(-2) * factor, x.dim(-1) * factor);
    }

    // ---- backward: the forward's checks, plus the output gradient (and any saved output) in the output's shape ----

    public static AttentionDims attentionBackward(Tensor q, Tensor k, Tensor v, int heads, Tensor keyMask, Tensor bias,
                                                  Tensor out, Tensor dOut) {
        AttentionDims ad = attention(q, k, v, heads, keyMask, bias);
        if (out == null || !Arrays.equals(out.shape(), q.shape())) {
            throw error("attentionBackward", "out must be the forward output, shaped like q", q, out);
        }
        gradient("attentionBackward", dOut, q.shape());
        return ad;
    }

    /** layerNormBackward and rmsNormBackward over the last dim: weight [C] or null, dy like x. Returns C. */
    public static int rowNormBackward(String op, Tensor x, Tensor weight, Tensor dy) {
        int c = x.dim(-1);
        channelParams(op, x, c, weight, null);
        gradient(op, dy, x.shape());
        return c;
    }

    public static ScanDims selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                                 Tensor deltaBias, Tensor dOut) {
        ScanDims sd = selectiveScan(u, delta, a, b, c, d, z, deltaBias);
        gradient("selectiveScanBackward", dOut, u.shape());
        return sd;
    }

    public static CausalConv1dDims causalConv1dBackward(Tensor x, Tensor weight, Tensor dy) {
        CausalConv1dDims cd = causalConv1d(x, weight, null);
        gradient("causalConv1dBackward", dy, x.shape());
        return cd;
    }

    public static Conv2dDims conv2dBackward(Tensor x, Tensor weight, Tensor dy, int strideH, int strideW, int padH,
                                            int padW, int groups) {
        Conv2dDims cd = conv2d(x, weight, null, strideH, strideW, padH, padW, groups);
        gradient("conv2dBackward", dy, new int[] {cd.n(), cd.o(), cd.ho(), cd.wo()});
        return cd;
    }

    /** ids of shape S with values {@code idValues}, each in [0, rows); dOut [S..., D]. Returns D. */
    public static int embeddingBackward(Tensor ids, Tensor dOut, int rows, long[] idValues) {
        if (dOut == null || dOut.rank() == 0) throw error("embeddingBackward", "dOut must be [ids..., D]", ids, dOut);
        int d = dOut.dim(-1);
        int[] outShape = Arrays.copyOf(ids.shape(), ids.rank() + 1);
        outShape[ids.rank()] = d;
        gradient("embeddingBackward", dOut, outShape);
        if (rows < 0) throw error("embeddingBackward", "rows must be >= 0, got " + rows, ids, dOut);
        for (long id : idValues) {
            if (id < 0 || id >= rows) throw new IllegalArgumentException("embeddingBackward: id " + id + " outside vocabulary of " + rows);
        }
        return d;
    }
}
