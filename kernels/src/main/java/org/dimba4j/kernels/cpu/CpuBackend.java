package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;

import java.util.Arrays;

/**
 * The CPU backend: Vector API kernels ({@link Gemm}, {@link Attention}, {@link SelectiveScan}, ...) on a shared
 * fork/join pool. Argument checking mirrors the reference; anything not worth a fast kernel (layout ops, which
 * are memory copies either way) is inherited from the reference loops.
 */
public class CpuBackend extends ReferenceBackend {
    /** Products below this many multiply-adds run on the calling thread. */
    private static final long SMALL_GEMM = 1L << 21;

    @Override
    public String name() {
        return "cpu";
    }

    static float[] floats(Tensor t) {
        return t == null ? null : t.isHostF32Array() ? t.floats() : t.toFloatArray();
    }

    private static IllegalArgumentException error(String op, String what, Tensor... ts) {
        StringBuilder sb = new StringBuilder(op).append(": ").append(what).append(" (shapes");
        for (Tensor t : ts) sb.append(' ').append(t == null ? "null" : Shape.str(t.shape()));
        return new IllegalArgumentException(sb.append(')').toString());
    }

    // ---- linear algebra ----

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2 || bs.length < 2) throw error("matmul", "operands must be at least 2-D", a, b);
        int m = transA ? as[as.length - 1] : as[as.length - 2];
        int k = transA ? as[as.length - 2] : as[as.length - 1];
        int kb = transB ? bs[bs.length - 1] : bs[bs.length - 2];
        int n = transB ? bs[bs.length - 2] : bs[bs.length - 1];
        if (k != kb) throw error("matmul", "inner dimensions differ: " + k + " vs " + kb, a, b);
        boolean shared = bs.length == 2;
        if (!shared && !Arrays.equals(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2))) {
            throw error("matmul", "batch dimensions differ", a, b);
        }
        int batch = Math.toIntExact(Shape.numel(Arrays.copyOf(as, as.length - 2)));
        float[] x = floats(a), o = new float[Math.multiplyExact(batch, Math.multiplyExact(m, n))];
        MatrixView bv = MatrixView.of(b, 0, transB ? k : n, transB);
        int aRs = transA ? 1 : k, aCs = transA ? m : 1;
        if (shared && !transA) {
            // a shared right operand: the batch is just more rows of one product (B packed once, better split)
            Gemm.gemm(batch * m, n, k, x, 0, k, 1, bv, o, 0, n, false, true);
        } else {
            boolean small = (long) m * n * k < SMALL_GEMM;
            Parallel.forEach(batch, small, p -> Gemm.gemm(m, n, k, x, p * m * k, aRs, aCs,
                    shared ? bv : bv.at((long) p * k * n), o, p * m * n, n, false, !small));
        }
        int[] os = as.clone();
        os[os.length - 2] = m;
        os[os.length - 1] = n;
        return Tensor.of(o, os);
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int in = x.dim(-1);
        if (weight.rank() != 2 || weight.dim(1) != in) throw error("linear", "weight must be [out, " + in + "]", x, weight);
        int outF = weight.dim(0);
        if (bias != null && bias.numel() != outF) throw error("linear", "bias must be [" + outF + "]", weight, bias);
        int rows = Shape.rows(x.shape());
        float[] xs = floats(x), o = new float[Math.multiplyExact(rows, outF)];
        if (bias != null) {
            float[] bs = floats(bias);
            for (int r = 0; r < rows; r++) System.arraycopy(bs, 0, o, r * outF, outF);
        }
        Gemm.gemm(rows, outF, in, xs, 0, in, 1, MatrixView.of(weight, 0, in, true), o, 0, outF, bias != null, true);
        return Tensor.of(o, Shape.withLast(x.shape(), outF));
    }

    // ---- attention ----

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias) {
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
        float[] o = Attention.run(floats(q), floats(k), floats(v), bsz, lq, lk, heads, hd / heads, scale,
                keyMask == null ? null : keyMask.toFloatArray(), floats(bias), batchedBias);
        return Tensor.of(o, q.shape());
    }

    // ---- normalisation ----

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        int c = x.dim(-1);
        checkChannels("layerNorm", x, c, weight, bias);
        return Tensor.of(Norms.norm(floats(x), Shape.rows(x.shape()), c, floats(weight), floats(bias), eps, false), x.shape());
    }

    @Override
    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        int c = x.dim(-1);
        checkChannels("rmsNorm", x, c, weight, null);
        return Tensor.of(Norms.norm(floats(x), Shape.rows(x.shape()), c, floats(weight), null, eps, true), x.shape());
    }

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        int n = x.dim(0), c = x.dim(1);
        if (groups <= 0 || c % groups != 0) throw error("groupNorm", c + " channels are not divisible by " + groups + " groups", x);
        checkChannels("groupNorm", x, c, weight, bias);
        int spatial = Math.toIntExact(x.numel() / ((long) n * c));
        return Tensor.of(Norms.groupNorm(floats(x), n, c, spatial, groups, floats(weight), floats(bias), eps), x.shape());
    }

    private static void checkChannels(String op, Tensor x, int c, Tensor weight, Tensor bias) {
        if (weight != null && weight.numel() != c) throw error(op, "weight must have " + c + " elements", x, weight);
        if (bias != null && bias.numel() != c) throw error(op, "bias must have " + c + " elements", x, bias);
    }

    @Override
    public Tensor softmax(Tensor x) {
        return Tensor.of(Norms.softmax(floats(x), Shape.rows(x.shape()), x.dim(-1)), x.shape());
    }

    // ---- activations ----

    private static Tensor map(Activations.Fn fn, Tensor x) {
        return Tensor.of(Activations.apply(fn, floats(x), Math.toIntExact(x.numel())), x.shape());
    }

    @Override
    public Tensor silu(Tensor x) {
        return map(Activations.Fn.SILU, x);
    }

    @Override
    public Tensor geluTanh(Tensor x) {
        return map(Activations.Fn.GELU_TANH, x);
    }

    @Override
    public Tensor geluErf(Tensor x) {
        return map(Activations.Fn.GELU_ERF, x);
    }

    @Override
    public Tensor relu(Tensor x) {
        return map(Activations.Fn.RELU, x);
    }

    @Override
    public Tensor softplus(Tensor x) {
        return map(Activations.Fn.SOFTPLUS, x);
    }

    @Override
    public Tensor exp(Tensor x) {
        return map(Activations.Fn.EXP, x);
    }

    @Override
    public Tensor gatedGelu(Tensor gate, Tensor up) {
        if (!Arrays.equals(gate.shape(), up.shape())) return super.gatedGelu(gate, up);
        return Tensor.of(Activations.gatedGelu(floats(gate), floats(up), Math.toIntExact(gate.numel())), gate.shape());
    }

    @Override
    public Tensor affine(Tensor x, float s, float t) {
        return Tensor.of(Activations.affine(floats(x), Math.toIntExact(x.numel()), s, t), x.shape());
    }

    // ---- convolution ----

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int groups) {
        if (x.rank() != 4 || weight.rank() != 4) throw error("conv2d", "x must be [N,C,H,W] and weight [O,C/g,kh,kw]", x, weight);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(0), cg = weight.dim(1), kh = weight.dim(2), kw = weight.dim(3);
        if (groups <= 0 || c % groups != 0 || o % groups != 0 || cg != c / groups) {
            throw error("conv2d", "channels do not match groups=" + groups, x, weight);
        }
        if (bias != null && bias.numel() != o) throw error("conv2d", "bias must have " + o + " elements", weight, bias);
        if (strideH <= 0 || strideW <= 0 || padH < 0 || padW < 0) throw error("conv2d", "bad stride/padding", x, weight);
        int ho = (h + 2 * padH - kh) / strideH + 1, wo = (w + 2 * padW - kw) / strideW + 1;
        if (ho <= 0 || wo <= 0) throw error("conv2d", "kernel larger than padded input", x, weight);
        float[] out = Conv2d.run(floats(x), weight, floats(bias), n, c, h, w, o, kh, kw, strideH, strideW, padH, padW, groups, ho, wo);
        return Tensor.of(out, n, o, ho, wo);
    }

    @Override
    public Tensor causalConv1d(Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() != 3) throw error("causalConv1d", "x must be [B, L, C]", x, weight);
        int b = x.dim(0), l = x.dim(1), c = x.dim(2);
        int k = c == 0 ? 0 : Math.toIntExact(weight.numel() / c);
        if (weight.dim(0) != c || weight.numel() != (long) c * k) throw error("causalConv1d", "weight must be [C, 1, K]", x, weight);
        if (bias != null && bias.numel() != c) throw error("causalConv1d", "bias must have " + c + " elements", x, bias);
        return Tensor.of(CausalConv1d.run(floats(x), floats(weight), floats(bias), b, l, c, k), x.shape());
    }

    // ---- selective scan ----

    @Override
    public Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                Tensor deltaBias, boolean deltaSoftplus) {
        if (u.rank() != 3 || a.rank() != 2 || b.rank() != 3 || c.rank() != 3) {
            throw error("selectiveScan", "expected u [B,L,E], a [E,N], b/c [B,L,N]", u, a, b, c);
        }
        int bsz = u.dim(0), l = u.dim(1), e = u.dim(2), n = a.dim(1);
        if (a.dim(0) != e || b.dim(0) != bsz || c.dim(0) != bsz || b.dim(2) != n || c.dim(2) != n || b.dim(1) != l || c.dim(1) != l
                || !Arrays.equals(delta.shape(), u.shape()) || (z != null && !Arrays.equals(z.shape(), u.shape()))
                || (d != null && d.numel() != e) || (deltaBias != null && deltaBias.numel() != e)) {
            throw error("selectiveScan", "expected u, delta, z [B,L,E], a [E,N], b/c [B,L,N], d/deltaBias [E]", u, delta, a, b, c);
        }
        float[] o = SelectiveScan.run(floats(u), floats(delta), floats(a), floats(b), floats(c), floats(d), floats(z),
                floats(deltaBias), deltaSoftplus, bsz, l, e, n);
        return Tensor.of(o, u.shape());
    }

    // ---- elementwise ----

    private static Tensor binary(String name, Elementwise.Op op, Tensor a, Tensor b) {
        int[] os;
        try {
            os = Shape.broadcast(a.shape(), b.shape());
        } catch (IllegalArgumentException ex) {
            throw error(name, "shapes do not broadcast", a, b);
        }
        return Tensor.of(Elementwise.binary(op, floats(a), a.shape(), floats(b), b.shape(), os), os);
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return binary("add", Elementwise.Op.ADD, a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return binary("sub", Elementwise.Op.SUB, a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return binary("mul", Elementwise.Op.MUL, a, b);
    }

    @Override
    public Tensor div(Tensor a, Tensor b) {
        return binary("div", Elementwise.Op.DIV, a, b);
    }

    // ---- reductions ----

    private static Tensor reduce(Reductions.Kind kind, Tensor x, int dim) {
        int[] s = x.shape();
        int dd = dim < 0 ? s.length + dim : dim;
        if (dd < 0 || dd >= s.length) throw error(kind.name().toLowerCase(java.util.Locale.ROOT), "no dim " + dim, x);
        int n = s[dd];
        int inner = Math.toIntExact(Shape.numel(Arrays.copyOfRange(s, dd + 1, s.length)));
        int outer = Math.toIntExact(Shape.numel(Arrays.copyOf(s, dd)));
        float[] o = Reductions.reduce(kind, floats(x), outer, n, inner);
        s[dd] = 1;
        return Tensor.of(o, s);
    }

    @Override
    public Tensor sum(Tensor x, int dim) {
        return reduce(Reductions.Kind.SUM, x, dim);
    }

    @Override
    public Tensor mean(Tensor x, int dim) {
        return reduce(Reductions.Kind.MEAN, x, dim);
    }

    @Override
    public Tensor max(Tensor x, int dim) {
        return reduce(Reductions.Kind.MAX, x, dim);
    }

    // ---- layout (slice, concat and flip are already row copies in the reference) ----

    @Override
    public Tensor permute(Tensor x, int... axes) {
        int[] s = x.shape();
        boolean[] seen = new boolean[s.length];
        if (axes.length != s.length) throw error("permute", "axes " + Arrays.toString(axes) + " do not match rank", x);
        for (int a : axes) {
            if (a < 0 || a >= s.length || seen[a]) throw error("permute", "axes " + Arrays.toString(axes) + " are not a permutation", x);
            seen[a] = true;
        }
        int[] os = new int[s.length];
        for (int i = 0; i < s.length; i++) os[i] = s[axes[i]];
        return Tensor.of(Layout.permute(floats(x), s, axes), os);
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int factor) {
        int[] s = x.shape();
        if (s.length < 2 || factor < 1) throw error("upsampleNearest2d", "needs [..., H, W] and a factor >= 1, got " + factor, x);
        int h = s[s.length - 2], w = s[s.length - 1];
        int planes = h * w == 0 ? 0 : Math.toIntExact(x.numel() / ((long) h * w));
        float[] o = Layout.upsampleNearest(floats(x), planes, h, w, factor);
        s[s.length - 2] = h * factor;
        s[s.length - 1] = w * factor;
        return Tensor.of(o, s);
    }
}
