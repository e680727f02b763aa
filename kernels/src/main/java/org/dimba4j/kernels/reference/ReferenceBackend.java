package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * Plain scalar loops, one obvious line per formula, accumulating in double where it keeps the reference
 * honest. Slow on purpose: it is the oracle the fast backends are tested against, never the runtime path.
 */
public class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    protected static float[] f(Tensor t) {
        return t.isHostF32Array() ? t.floats() : t.toFloatArray();
    }

    protected static Tensor out(float[] data, int... shape) {
        return Tensor.of(data, shape);
    }

    static IllegalArgumentException shapeError(String op, String what, Tensor... ts) {
        StringBuilder sb = new StringBuilder(op).append(": ").append(what).append(" (shapes");
        for (Tensor t : ts) sb.append(' ').append(t == null ? "null" : Shape.str(t.shape()));
        return new IllegalArgumentException(sb.append(')').toString());
    }

    @Override
    public Tensor upload(Tensor host) {
        return host;
    }

    @Override
    public Tensor download(Tensor t) {
        return t.toF32();
    }

    @Override
    public Tensor full(float value, int... shape) {
        float[] d = new float[Math.toIntExact(Shape.numel(shape))];
        Arrays.fill(d, value);
        return out(d, shape);
    }

    // ---- linear algebra ----

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2 || bs.length < 2) throw shapeError("matmul", "operands must be at least 2-D", a, b);
        int m = transA ? as[as.length - 1] : as[as.length - 2];
        int k = transA ? as[as.length - 2] : as[as.length - 1];
        int kb = transB ? bs[bs.length - 1] : bs[bs.length - 2];
        int n = transB ? bs[bs.length - 2] : bs[bs.length - 1];
        if (k != kb) throw shapeError("matmul", "inner dimensions differ: " + k + " vs " + kb, a, b);
        int batch = Math.toIntExact(Shape.numel(Arrays.copyOf(as, as.length - 2)));
        boolean shared = bs.length == 2;
        if (!shared && !Arrays.equals(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2))) {
            throw shapeError("matmul", "batch dimensions differ", a, b);
        }
        float[] x = f(a), y = f(b), o = new float[Math.multiplyExact(batch, m * n)];
        for (int p = 0; p < batch; p++) {
            int ao = p * m * k, bo = shared ? 0 : p * k * n, oo = p * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        float av = transA ? x[ao + q * m + i] : x[ao + i * k + q];
                        float bv = transB ? y[bo + j * k + q] : y[bo + q * n + j];
                        s += (double) av * bv;
                    }
                    o[oo + i * n + j] = (float) s;
                }
            }
        }
        int[] os = as.clone();
        os[os.length - 2] = m;
        os[os.length - 1] = n;
        return out(o, os);
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int in = x.dim(-1);
        if (weight.rank() != 2 || weight.dim(1) != in) throw shapeError("linear", "weight must be [out, " + in + "]", x, weight);
        int outF = weight.dim(0);
        if (bias != null && bias.numel() != outF) throw shapeError("linear", "bias must be [" + outF + "]", weight, bias);
        int rows = Shape.rows(x.shape());
        float[] xs = f(x), w = f(weight), bs = bias == null ? null : f(bias), o = new float[Math.multiplyExact(rows, outF)];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < outF; j++) {
                double s = bs == null ? 0 : bs[j];
                for (int q = 0; q < in; q++) s += (double) xs[r * in + q] * w[j * in + q];
                o[r * outF + j] = (float) s;
            }
        }
        return out(o, Shape.withLast(x.shape(), outF));
    }

    // ---- attention ----

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias) {
        if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3) throw shapeError("attention", "q, k, v must be [B, L, H*D]", q, k, v);
        int bsz = q.dim(0), lq = q.dim(1), hd = q.dim(2), lk = k.dim(1);
        if (k.dim(0) != bsz || v.dim(0) != bsz || k.dim(2) != hd || v.dim(2) != hd || v.dim(1) != lk || hd % heads != 0) {
            throw shapeError("attention", "inconsistent q/k/v for " + heads + " heads", q, k, v);
        }
        if (keyMask != null && (keyMask.numel() != (long) bsz * lk)) throw shapeError("attention", "keyMask must be [B, Lk]", q, k, keyMask);
        boolean batchedBias = bias != null && bias.rank() == 4;
        if (bias != null && bias.numel() != (batchedBias ? (long) bsz : 1L) * heads * lq * lk) {
            throw shapeError("attention", "bias must be [H, Lq, Lk] or [B, H, Lq, Lk]", q, k, bias);
        }
        int d = hd / heads;
        float[] qs = f(q), ks = f(k), vs = f(v), o = new float[qs.length];
        float[] m = keyMask == null ? null : keyMask.toFloatArray();
        float[] bb = bias == null ? null : f(bias);
        double[] s = new double[lk];
        for (int b = 0; b < bsz; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < lq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lk; j++) {
                        if (m != null && m[b * lk + j] == 0f) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int c = 0; c < d; c++) dot += (double) qs[(b * lq + i) * hd + h * d + c] * ks[(b * lk + j) * hd + h * d + c];
                        dot *= scale;
                        if (bb != null) dot += bb[(((batchedBias ? b * heads : 0) + h) * lq + i) * lk + j];
                        s[j] = dot;
                        max = Math.max(max, dot);
                    }
                    if (max == Double.NEGATIVE_INFINITY) continue; // every key masked: zeros
                    double z = 0;
                    for (int j = 0; j < lk; j++) {
                        s[j] = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int c = 0; c < d; c++) {
                        double acc = 0;
                        for (int j = 0; j < lk; j++) acc += s[j] * vs[(b * lk + j) * hd + h * d + c];
                        o[(b * lq + i) * hd + h * d + c] = (float) (acc / z);
                    }
                }
            }
        }
        return out(o, q.shape());
    }

    // ---- normalisation ----

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        int c = x.dim(-1), rows = Shape.rows(x.shape());
        float[] xs = f(x), w = weight == null ? null : f(weight), bs = bias == null ? null : f(bias), o = new float[xs.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < c; i++) mean += xs[r * c + i];
            mean /= c;
            for (int i = 0; i < c; i++) var += (xs[r * c + i] - mean) * (xs[r * c + i] - mean);
            var /= c;
            double inv = 1.0 / Math.sqrt(var + eps);
            for (int i = 0; i < c; i++) {
                double y = (xs[r * c + i] - mean) * inv;
                if (w != null) y *= w[i];
                if (bs != null) y += bs[i];
                o[r * c + i] = (float) y;
            }
        }
        return out(o, x.shape());
    }

    @Override
    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        int c = x.dim(-1), rows = Shape.rows(x.shape());
        float[] xs = f(x), w = weight == null ? null : f(weight), o = new float[xs.length];
        for (int r = 0; r < rows; r++) {
            double ms = 0;
            for (int i = 0; i < c; i++) ms += (double) xs[r * c + i] * xs[r * c + i];
            double inv = 1.0 / Math.sqrt(ms / c + eps);
            for (int i = 0; i < c; i++) o[r * c + i] = (float) (xs[r * c + i] * inv * (w == null ? 1 : w[i]));
        }
        return out(o, x.shape());
    }

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        int n = x.dim(0), c = x.dim(1);
        if (c % groups != 0) throw shapeError("groupNorm", c + " channels are not divisible by " + groups + " groups", x);
        int spatial = Math.toIntExact(x.numel() / ((long) n * c)), cpg = c / groups, span = cpg * spatial;
        float[] xs = f(x), w = weight == null ? null : f(weight), bs = bias == null ? null : f(bias), o = new float[xs.length];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int base = (b * c + g * cpg) * spatial;
                double mean = 0, var = 0;
                for (int i = 0; i < span; i++) mean += xs[base + i];
                mean /= span;
                for (int i = 0; i < span; i++) var += (xs[base + i] - mean) * (xs[base + i] - mean);
                double inv = 1.0 / Math.sqrt(var / span + eps);
                for (int i = 0; i < span; i++) {
                    int ch = g * cpg + i / spatial;
                    double y = (xs[base + i] - mean) * inv;
                    if (w != null) y *= w[ch];
                    if (bs != null) y += bs[ch];
                    o[base + i] = (float) y;
                }
            }
        }
        return out(o, x.shape());
    }

    @Override
    public Tensor softmax(Tensor x) {
        int c = x.dim(-1), rows = Shape.rows(x.shape());
        float[] xs = f(x), o = new float[xs.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int i = 0; i < c; i++) max = Math.max(max, xs[r * c + i]);
            for (int i = 0; i < c; i++) z += Math.exp(xs[r * c + i] - max);
            for (int i = 0; i < c; i++) o[r * c + i] = (float) (Math.exp(xs[r * c + i] - max) / z);
        }
        return out(o, x.shape());
    }

    // ---- activations ----

    private static Tensor map(Tensor x, DoubleUnaryOperator fn) {
        float[] xs = f(x), o = new float[xs.length];
        for (int i = 0; i < xs.length; i++) o[i] = (float) fn.applyAsDouble(xs[i]);
        return out(o, x.shape());
    }

    @Override
    public Tensor silu(Tensor x) {
        return map(x, v -> v / (1 + Math.exp(-v)));
    }

    @Override
    public Tensor geluTanh(Tensor x) {
        return map(x, v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
    }

    @Override
    public Tensor geluErf(Tensor x) {
        return map(x, v -> 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
    }

    @Override
    public Tensor relu(Tensor x) {
        return map(x, v -> Math.max(v, 0));
    }

    @Override
    public Tensor softplus(Tensor x) {
        return map(x, v -> v > 20 ? v : Math.log1p(Math.exp(v)));
    }

    @Override
    public Tensor exp(Tensor x) {
        return map(x, Math::exp);
    }

    // ---- convolution ----

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int groups) {
        if (x.rank() != 4 || weight.rank() != 4) throw shapeError("conv2d", "x must be [N,C,H,W] and weight [O,C/g,kh,kw]", x, weight);
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(0), cg = weight.dim(1), kh = weight.dim(2), kw = weight.dim(3);
        if (c % groups != 0 || o % groups != 0 || cg != c / groups) throw shapeError("conv2d", "channels do not match groups=" + groups, x, weight);
        int ho = (h + 2 * padH - kh) / strideH + 1, wo = (w + 2 * padW - kw) / strideW + 1;
        if (ho <= 0 || wo <= 0) throw shapeError("conv2d", "kernel larger than padded input", x, weight);
        float[] xs = f(x), ws = f(weight), bs = bias == null ? null : f(bias), out = new float[n * o * ho * wo];
        int og = o / groups;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double s = bs == null ? 0 : bs[oc];
                        for (int ic = 0; ic < cg; ic++) {
                            int xc = g * cg + ic;
                            for (int u = 0; u < kh; u++) {
                                int yy = i * strideH - padH + u;
                                if (yy < 0 || yy >= h) continue;
                                for (int v = 0; v < kw; v++) {
                                    int xx = j * strideW - padW + v;
                                    if (xx < 0 || xx >= w) continue;
                                    s += (double) xs[((b * c + xc) * h + yy) * w + xx] * ws[((oc * cg + ic) * kh + u) * kw + v];
                                }
                            }
                        }
                        out[((b * o + oc) * ho + i) * wo + j] = (float) s;
                    }
                }
            }
        }
        return out(out, n, o, ho, wo);
    }

    @Override
    public Tensor pad2d(Tensor x, int left, int right, int top, int bottom) {
        int[] s = x.shape();
        int h = s[s.length - 2], w = s[s.length - 1], planes = Math.toIntExact(x.numel() / ((long) h * w));
        int nh = h + top + bottom, nw = w + left + right;
        float[] xs = f(x), o = new float[planes * nh * nw];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++) o[(p * nh + i + top) * nw + j + left] = xs[(p * h + i) * w + j];
        s[s.length - 2] = nh;
        s[s.length - 1] = nw;
        return out(o, s);
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int factor) {
        int[] s = x.shape();
        int h = s[s.length - 2], w = s[s.length - 1], planes = Math.toIntExact(x.numel() / ((long) h * w));
        int nh = h * factor, nw = w * factor;
        float[] xs = f(x), o = new float[planes * nh * nw];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < nh; i++)
                for (int j = 0; j < nw; j++) o[(p * nh + i) * nw + j] = xs[(p * h + i / factor) * w + j / factor];
        s[s.length - 2] = nh;
        s[s.length - 1] = nw;
        return out(o, s);
    }

    @Override
    public Tensor causalConv1d(Tensor x, Tensor weight, Tensor bias) {
        int b = x.dim(0), l = x.dim(1), c = x.dim(2);
        int k = Math.toIntExact(weight.numel() / c);
        if (weight.dim(0) != c || weight.numel() != (long) c * k) throw shapeError("causalConv1d", "weight must be [C, 1, K]", x, weight);
        float[] xs = f(x), ws = f(weight), bs = bias == null ? null : f(bias), o = new float[xs.length];
        for (int bb = 0; bb < b; bb++)
            for (int t = 0; t < l; t++)
                for (int ch = 0; ch < c; ch++) {
                    double s = bs == null ? 0 : bs[ch];
                    for (int q = 0; q < k; q++) {
                        int tt = t - k + 1 + q;
                        if (tt >= 0) s += (double) ws[ch * k + q] * xs[(bb * l + tt) * c + ch];
                    }
                    o[(bb * l + t) * c + ch] = (float) s;
                }
        return out(o, x.shape());
    }

    // ---- selective scan ----

    @Override
    public Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                Tensor deltaBias, boolean deltaSoftplus) {
        int bsz = u.dim(0), l = u.dim(1), e = u.dim(2), n = a.dim(1);
        if (a.dim(0) != e || b.dim(2) != n || c.dim(2) != n || b.dim(1) != l || c.dim(1) != l) {
            throw shapeError("selectiveScan", "expected u [B,L,E], a [E,N], b/c [B,L,N]", u, a, b, c);
        }
        float[] us = f(u), dl = f(delta), as = f(a), bs = f(b), cs = f(c);
        float[] ds = d == null ? null : f(d), zs = z == null ? null : f(z), db = deltaBias == null ? null : f(deltaBias);
        float[] o = new float[us.length];
        double[] h = new double[n];
        for (int bb = 0; bb < bsz; bb++) {
            for (int ch = 0; ch < e; ch++) {
                Arrays.fill(h, 0);
                for (int t = 0; t < l; t++) {
                    int idx = (bb * l + t) * e + ch;
                    double dt = dl[idx] + (db == null ? 0 : db[ch]);
                    if (deltaSoftplus) dt = dt > 20 ? dt : Math.log1p(Math.exp(dt));
                    double y = 0;
                    for (int s = 0; s < n; s++) {
                        h[s] = Math.exp(dt * as[ch * n + s]) * h[s] + dt * bs[(bb * l + t) * n + s] * us[idx];
                        y += h[s] * cs[(bb * l + t) * n + s];
                    }
                    if (ds != null) y += ds[ch] * us[idx];
                    if (zs != null) y *= zs[idx] / (1 + Math.exp(-zs[idx]));
                    o[idx] = (float) y;
                }
            }
        }
        return out(o, u.shape());
    }

    // ---- elementwise ----

    private interface Op2 {
        double apply(double a, double b);
    }

    private static Tensor broadcast(String name, Tensor a, Tensor b, Op2 op) {
        int[] as = a.shape(), bs = b.shape(), os;
        try {
            os = Shape.broadcast(as, bs);
        } catch (IllegalArgumentException ex) {
            throw shapeError(name, "shapes do not broadcast", a, b);
        }
        float[] x = f(a), y = f(b), o = new float[Math.toIntExact(Shape.numel(os))];
        long[] ast = broadcastStrides(as, os), bst = broadcastStrides(bs, os);
        int[] idx = new int[os.length];
        for (int i = 0; i < o.length; i++) {
            long ia = 0, ib = 0;
            for (int dd = 0; dd < os.length; dd++) {
                ia += idx[dd] * ast[dd];
                ib += idx[dd] * bst[dd];
            }
            o[i] = (float) op.apply(x[(int) ia], y[(int) ib]);
            for (int dd = os.length - 1; dd >= 0; dd--) {
                if (++idx[dd] < os[dd]) break;
                idx[dd] = 0;
            }
        }
        return out(o, os);
    }

    private static long[] broadcastStrides(int[] s, int[] os) {
        long[] st = Shape.strides(s), r = new long[os.length];
        int off = os.length - s.length;
        for (int i = 0; i < s.length; i++) r[i + off] = s[i] == 1 ? 0 : st[i];
        return r;
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return broadcast("add", a, b, Double::sum);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return broadcast("sub", a, b, (x, y) -> x - y);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return broadcast("mul", a, b, (x, y) -> x * y);
    }

    @Override
    public Tensor div(Tensor a, Tensor b) {
        return broadcast("div", a, b, (x, y) -> x / y);
    }

    @Override
    public Tensor affine(Tensor x, float s, float t) {
        return map(x, v -> v * s + t);
    }

    // ---- reductions ----

    private interface Reducer {
        double reduce(float[] xs, int base, int n, int stride);
    }

    private static Tensor reduce(Tensor x, int dim, Reducer r) {
        int[] s = x.shape();
        int dd = dim < 0 ? s.length + dim : dim;
        int n = s[dd];
        int inner = Math.toIntExact(Shape.numel(Arrays.copyOfRange(s, dd + 1, s.length)));
        int outer = Math.toIntExact(Shape.numel(Arrays.copyOf(s, dd)));
        float[] xs = f(x), o = new float[outer * inner];
        for (int p = 0; p < outer; p++)
            for (int i = 0; i < inner; i++) o[p * inner + i] = (float) r.reduce(xs, p * n * inner + i, n, inner);
        s[dd] = 1;
        return out(o, s);
    }

    @Override
    public Tensor sum(Tensor x, int dim) {
        return reduce(x, dim, (xs, base, n, st) -> {
            double acc = 0;
            for (int i = 0; i < n; i++) acc += xs[base + i * st];
            return acc;
        });
    }

    @Override
    public Tensor mean(Tensor x, int dim) {
        return reduce(x, dim, (xs, base, n, st) -> {
            double acc = 0;
            for (int i = 0; i < n; i++) acc += xs[base + i * st];
            return acc / n;
        });
    }

    @Override
    public Tensor max(Tensor x, int dim) {
        return reduce(x, dim, (xs, base, n, st) -> {
            double m = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) m = Math.max(m, xs[base + i * st]);
            return m;
        });
    }

    // ---- layout ----

    @Override
    public Tensor permute(Tensor x, int... axes) {
        int[] s = x.shape();
        if (axes.length != s.length) throw shapeError("permute", "axes " + Arrays.toString(axes) + " do not match rank", x);
        int[] os = new int[s.length];
        for (int i = 0; i < s.length; i++) os[i] = s[axes[i]];
        long[] st = Shape.strides(s);
        float[] xs = f(x), o = new float[xs.length];
        int[] idx = new int[s.length];
        for (int i = 0; i < o.length; i++) {
            long src = 0;
            for (int dd = 0; dd < s.length; dd++) src += idx[dd] * st[axes[dd]];
            o[i] = xs[(int) src];
            for (int dd = s.length - 1; dd >= 0; dd--) {
                if (++idx[dd] < os[dd]) break;
                idx[dd] = 0;
            }
        }
        return out(o, os);
    }

    @Override
    public Tensor slice(Tensor x, int dim, int start, int end) {
        int[] s = x.shape();
        int dd = dim < 0 ? s.length + dim : dim;
        if (start < 0 || end > s[dd] || start > end) throw shapeError("slice", "range " + start + ".." + end + " outside dim " + dd, x);
        int inner = Math.toIntExact(Shape.numel(Arrays.copyOfRange(s, dd + 1, s.length)));
        int outer = Math.toIntExact(Shape.numel(Arrays.copyOf(s, dd)));
        int len = end - start;
        float[] xs = f(x), o = new float[outer * len * inner];
        for (int p = 0; p < outer; p++) System.arraycopy(xs, (p * s[dd] + start) * inner, o, p * len * inner, len * inner);
        s[dd] = len;
        return out(o, s);
    }

    @Override
    public Tensor concat(int dim, Tensor... xs) {
        int[] s = xs[0].shape();
        int dd = dim < 0 ? s.length + dim : dim;
        int total = 0;
        for (Tensor t : xs) {
            int[] ts = t.shape();
            for (int i = 0; i < s.length; i++) {
                if (i != dd && ts[i] != s[i]) throw shapeError("concat", "shapes differ outside dim " + dd, xs);
            }
            total += ts[dd];
        }
        int inner = Math.toIntExact(Shape.numel(Arrays.copyOfRange(s, dd + 1, s.length)));
        int outer = Math.toIntExact(Shape.numel(Arrays.copyOf(s, dd)));
        float[] o = new float[outer * total * inner];
        int off = 0;
        for (Tensor t : xs) {
            int len = t.dim(dd);
            float[] ts = f(t);
            for (int p = 0; p < outer; p++) System.arraycopy(ts, p * len * inner, o, (p * total + off) * inner, len * inner);
            off += len;
        }
        s[dd] = total;
        return out(o, s);
    }

    @Override
    public Tensor flip(Tensor x, int dim) {
        int[] s = x.shape();
        int dd = dim < 0 ? s.length + dim : dim;
        int n = s[dd];
        int inner = Math.toIntExact(Shape.numel(Arrays.copyOfRange(s, dd + 1, s.length)));
        int outer = Math.toIntExact(Shape.numel(Arrays.copyOf(s, dd)));
        float[] xs = f(x), o = new float[xs.length];
        for (int p = 0; p < outer; p++)
            for (int i = 0; i < n; i++) System.arraycopy(xs, (p * n + i) * inner, o, (p * n + n - 1 - i) * inner, inner);
        return out(o, s);
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        int v = table.dim(0), d = table.dim(1);
        long[] is = ids.toLongArray();
        float[] o = new float[Math.multiplyExact(is.length, d)];
        for (int r = 0; r < is.length; r++) {
            if (is[r] < 0 || is[r] >= v) throw new IllegalArgumentException("embedding: id " + is[r] + " outside vocabulary of " + v);
            for (int c = 0; c < d; c++) o[r * d + c] = table.getFlat(is[r] * d + c);
        }
        int[] s = Arrays.copyOf(ids.shape(), ids.rank() + 1);
        s[ids.rank()] = d;
        return out(o, s);
    }
}
