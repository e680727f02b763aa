package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.dimba4j.kernels.grad.ScanGrads;

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

    /** Double accumulators rounded to f32 once (the backward ops sum in double). */
    protected static Tensor out(double[] acc, int... shape) {
        float[] o = new float[acc.length];
        for (int i = 0; i < acc.length; i++) o[i] = (float) acc[i];
        return Tensor.of(o, shape);
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
        OpShapes.MatmulDims md = OpShapes.matmul(a, b, transA, transB);
        int batch = md.batch(), m = md.m(), k = md.k(), n = md.n();
        boolean shared = md.sharedB();
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
        return out(o, md.outShape());
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        OpShapes.LinearDims ld = OpShapes.linear(x, weight, bias);
        int in = ld.in(), outF = ld.out(), rows = ld.rows();
        float[] xs = f(x), w = f(weight), bs = bias == null ? null : f(bias), o = new float[Math.multiplyExact(rows, outF)];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < outF; j++) {
                double s = bs == null ? 0 : bs[j];
                for (int q = 0; q < in; q++) s += (double) xs[r * in + q] * w[j * in + q];
                o[r * outF + j] = (float) s;
            }
        }
        return out(o, ld.outShape());
    }

    // ---- attention ----

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias) {
        OpShapes.AttentionDims ad = OpShapes.attention(q, k, v, heads, keyMask, bias);
        int bsz = ad.batch(), lq = ad.lq(), lk = ad.lk(), d = ad.headDim(), hd = heads * d;
        boolean batchedBias = ad.batchedBias();
        float[] qs = f(q), ks = f(k), vs = f(v), o = new float[qs.length];
        float[] m = keyMask == null ? null : keyMask.toFloatArray();
        float[] bb = bias == null ? null : f(bias);
        double[] s = new double[lk];
        for (int b = 0; b < bsz; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < lq; i++) {
                    double z = AttentionScores.numerators(qs, ks, m, bb, s, b, h, i, lq, lk, heads, d, scale, batchedBias);
                    if (z == 0) continue; // every key masked: zeros
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
        OpShapes.channelParams("layerNorm", x, c, weight, bias);
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
        OpShapes.channelParams("rmsNorm", x, c, weight, null);
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
        OpShapes.GroupNormDims gd = OpShapes.groupNorm(x, groups, weight, bias);
        int n = gd.n(), c = gd.c(), spatial = gd.spatial(), cpg = gd.channelsPerGroup(), span = cpg * spatial;
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
    public Tensor sqrt(Tensor x) {
        return map(x, Math::sqrt);
    }

    @Override
    public Tensor exp(Tensor x) {
        return map(x, Math::exp);
    }

    // ---- convolution ----

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int groups) {
        OpShapes.Conv2dDims cd = OpShapes.conv2d(x, weight, bias, strideH, strideW, padH, padW, groups);
        int n = cd.n(), c = cd.c(), h = cd.h(), w = cd.w(), o = cd.o(), cg = cd.cg(), kh = cd.kh(), kw = cd.kw();
        int ho = cd.ho(), wo = cd.wo();
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
        OpShapes.PlaneDims pd = OpShapes.pad2d(x, left, right, top, bottom);
        int planes = pd.planes(), h = pd.h(), w = pd.w(), nh = pd.nh(), nw = pd.nw();
        float[] xs = f(x), o = new float[planes * nh * nw];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++) o[(p * nh + i + top) * nw + j + left] = xs[(p * h + i) * w + j];
        return out(o, pd.outShape());
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int factor) {
        OpShapes.PlaneDims pd = OpShapes.upsampleNearest2d(x, factor);
        int planes = pd.planes(), h = pd.h(), w = pd.w(), nh = pd.nh(), nw = pd.nw();
        float[] xs = f(x), o = new float[planes * nh * nw];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < nh; i++)
                for (int j = 0; j < nw; j++) o[(p * nh + i) * nw + j] = xs[(p * h + i / factor) * w + j / factor];
        return out(o, pd.outShape());
    }

    @Override
    public Tensor causalConv1d(Tensor x, Tensor weight, Tensor bias) {
        OpShapes.CausalConv1dDims cd = OpShapes.causalConv1d(x, weight, bias);
        int b = cd.b(), l = cd.l(), c = cd.c(), k = cd.k();
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
        OpShapes.ScanDims sd = OpShapes.selectiveScan(u, delta, a, b, c, d, z, deltaBias);
        int bsz = sd.batch(), l = sd.l(), e = sd.e(), n = sd.n();
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
        int[] as = a.shape(), bs = b.shape(), os = OpShapes.broadcast(name, a, b);
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
        OpShapes.AxisDims ad = OpShapes.around("dim", x, dim);
        int[] s = x.shape();
        int dd = ad.axis(), n = ad.len(), inner = ad.inner(), outer = ad.outer();
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
        int[] s = x.shape(), os = OpShapes.permute(x, axes);
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
        OpShapes.AxisDims ad = OpShapes.slice(x, dim, start, end);
        int[] s = x.shape();
        int dd = ad.axis(), inner = ad.inner(), outer = ad.outer(), len = end - start;
        float[] xs = f(x), o = new float[outer * len * inner];
        for (int p = 0; p < outer; p++) System.arraycopy(xs, (p * s[dd] + start) * inner, o, p * len * inner, len * inner);
        s[dd] = len;
        return out(o, s);
    }

    @Override
    public Tensor concat(int dim, Tensor... xs) {
        OpShapes.AxisDims ad = OpShapes.around("concat", xs[0], dim);
        int dd = ad.axis(), inner = ad.inner(), outer = ad.outer();
        int[] s = OpShapes.concat(dd, xs);
        int total = s[dd];
        float[] o = new float[outer * total * inner];
        int off = 0;
        for (Tensor t : xs) {
            int len = t.dim(dd);
            float[] ts = f(t);
            for (int p = 0; p < outer; p++) System.arraycopy(ts, p * len * inner, o, (p * total + off) * inner, len * inner);
            off += len;
        }
        return out(o, s);
    }

    @Override
    public Tensor flip(Tensor x, int dim) {
        OpShapes.AxisDims ad = OpShapes.around("flip", x, dim);
        int n = ad.len(), inner = ad.inner(), outer = ad.outer();
        float[] xs = f(x), o = new float[xs.length];
        for (int p = 0; p < outer; p++)
            for (int i = 0; i < n; i++) System.arraycopy(xs, (p * n + i) * inner, o, (p * n + n - 1 - i) * inner, inner);
        return out(o, x.shape());
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        long[] is = ids.toLongArray();
        int[] s = OpShapes.embedding(table, ids, is);
        int d = table.dim(1);
        float[] o = new float[Math.multiplyExact(is.length, d)];
        for (int r = 0; r < is.length; r++) {
            for (int c = 0; c < d; c++) o[r * d + c] = table.getFlat(is[r] * d + c);
        }
        return out(o, s);
    }

    // ---- backward: one class per op family, so each reads as the derivation it implements ----

    @Override
    public AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask,
                                            Tensor bias, Tensor out, Tensor dOut) {
        return AttentionBackward.of(q, k, v, heads, scale, keyMask, bias, out, dOut);
    }

    @Override
    public NormGrads layerNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        return NormBackward.layerNorm(x, weight, eps, dy);
    }

    @Override
    public NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        return NormBackward.rmsNorm(x, weight, eps, dy);
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor dy) {
        return NormBackward.softmax(y, dy);
    }

    @Override
    public Tensor siluBackward(Tensor x, Tensor dy) {
        return ActivationBackward.silu(x, dy);
    }

    @Override
    public Tensor geluTanhBackward(Tensor x, Tensor dy) {
        return ActivationBackward.geluTanh(x, dy);
    }

    @Override
    public Tensor geluErfBackward(Tensor x, Tensor dy) {
        return ActivationBackward.geluErf(x, dy);
    }

    @Override
    public Tensor reluBackward(Tensor x, Tensor dy) {
        return ActivationBackward.relu(x, dy);
    }

    @Override
    public Tensor softplusBackward(Tensor x, Tensor dy) {
        return ActivationBackward.softplus(x, dy);
    }

    @Override
    public ConvGrads conv2dBackward(Tensor x, Tensor weight, Tensor dy, boolean withBias, int strideH, int strideW,
                                    int padH, int padW, int groups) {
        return ConvBackward.conv2d(x, weight, dy, withBias, strideH, strideW, padH, padW, groups);
    }

    @Override
    public ConvGrads causalConv1dBackward(Tensor x, Tensor weight, Tensor dy, boolean withBias) {
        return ConvBackward.causalConv1d(x, weight, dy, withBias);
    }

    @Override
    public ScanGrads selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                           Tensor deltaBias, boolean deltaSoftplus, Tensor dOut) {
        return ScanBackward.of(u, delta, a, b, c, d, z, deltaBias, deltaSoftplus, dOut);
    }

    @Override
    public Tensor embeddingBackward(Tensor ids, Tensor dOut, int rows) {
        return ActivationBackward.embedding(ids, dOut, rows);
    }
}
