package org.dimba4j.kernels.opencl;

import java.util.function.Function;

/**
 * An oracle for the backward kernels that shares none of their derivations: forward ops written plainly in double
 * precision, and gradients of the scalar loss sum(dy * f(inputs)) by central differences in double (step 1e-5, so
 * truncation and rounding errors are ~1e-9 relative, far below the f32 kernels' errors).
 */
final class DoubleOracle {
    private static final double STEP = 1e-5;

    private DoubleOracle() {}

    /** d sum(dy * f(inputs)) / d inputs[which], every element by a central difference. */
    static float[] gradient(Function<double[][], double[]> f, double[][] inputs, float[] dy, int which) {
        double[] x = inputs[which];
        float[] g = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + STEP;
            double up = dot(f.apply(inputs), dy);
            x[i] = keep - STEP;
            double down = dot(f.apply(inputs), dy);
            x[i] = keep;
            g[i] = (float) ((up - down) / (2 * STEP));
        }
        return g;
    }

    private static double dot(double[] y, float[] dy) {
        double s = 0;
        for (int i = 0; i < y.length; i++) s += y[i] * dy[i];
        return s;
    }

    static double[] d(float[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = v[i];
        return r;
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /**
     * Attention over q [B, Lq, H*D], k/v [B, Lk, H*D]; mask [B, Lk] (0 drops) and bias [(B,) H, Lq, Lk] may be null.
     * A row without kept keys is zeros.
     */
    static double[] attention(double[] q, double[] k, double[] v, int b, int lq, int lk, int h, int dh, double scale,
                              float[] mask, double[] bias, boolean batchedBias) {
        int hd = h * dh;
        double[] out = new double[b * lq * hd];
        double[] p = new double[lk];
        for (int bi = 0; bi < b; bi++) {
            for (int hi = 0; hi < h; hi++) {
                for (int i = 0; i < lq; i++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lk; j++) {
                        p[j] = Double.NEGATIVE_INFINITY;
                        if (mask != null && mask[bi * lk + j] == 0f) continue;
                        double s = 0;
                        for (int c = 0; c < dh; c++) s += q[(bi * lq + i) * hd + hi * dh + c] * k[(bi * lk + j) * hd + hi * dh + c];
                        s *= scale;
                        if (bias != null) s += bias[(((batchedBias ? bi * h : 0) + hi) * lq + i) * lk + j];
                        p[j] = s;
                        m = Math.max(m, s);
                    }
                    if (m == Double.NEGATIVE_INFINITY) continue;
                    double z = 0;
                    for (int j = 0; j < lk; j++) z += p[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[j] - m);
                    for (int j = 0; j < lk; j++) {
                        if (p[j] == Double.NEGATIVE_INFINITY) continue;
                        double w = Math.exp(p[j] - m) / z;
                        for (int c = 0; c < dh; c++) out[(bi * lq + i) * hd + hi * dh + c] += w * v[(bi * lk + j) * hd + hi * dh + c];
                    }
                }
            }
        }
        return out;
    }

    /** LayerNorm (or RMSNorm when {@code rms}) of rows of c, then * weight (+ bias, may be null). */
    static double[] norm(double[] x, double[] w, double[] bias, int c, double eps, boolean rms) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double mean = 0, var = 0;
            if (!rms) {
                for (int i = 0; i < c; i++) mean += x[r * c + i];
                mean /= c;
            }
            for (int i = 0; i < c; i++) var += (x[r * c + i] - mean) * (x[r * c + i] - mean);
            double inv = 1 / Math.sqrt(var / c + eps);
            for (int i = 0; i < c; i++) {
                y[r * c + i] = (x[r * c + i] - mean) * inv * (w == null ? 1 : w[i]) + (bias == null ? 0 : bias[i]);
            }
        }
        return y;
    }

    static double[] softmax(double[] x, int c) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double m = Double.NEGATIVE_INFINITY, z = 0;
            for (int i = 0; i < c; i++) m = Math.max(m, x[r * c + i]);
            for (int i = 0; i < c; i++) z += Math.exp(x[r * c + i] - m);
            for (int i = 0; i < c; i++) y[r * c + i] = Math.exp(x[r * c + i] - m) / z;
        }
        return y;
    }

    /**
     * The Mamba selective scan: h_t = exp(dt A) h_{t-1} + dt u B_t, y = C_t.h_t + D u, times silu(z); dt = delta +
     * deltaBias, through softplus when asked. d, z, deltaBias may be null.
     */
    static double[] scan(double[] u, double[] delta, double[] a, double[] bm, double[] cm, double[] d, double[] z,
                         double[] deltaBias, boolean softplus, int b, int l, int e, int n) {
        double[] y = new double[b * l * e];
        double[] h = new double[n];
        for (int bi = 0; bi < b; bi++) {
            for (int ch = 0; ch < e; ch++) {
                java.util.Arrays.fill(h, 0);
                for (int t = 0; t < l; t++) {
                    int idx = (bi * l + t) * e + ch;
                    double dt = delta[idx] + (deltaBias == null ? 0 : deltaBias[ch]);
                    if (softplus) dt = dt > 20 ? dt : Math.log1p(Math.exp(dt));
                    double acc = 0;
                    for (int s = 0; s < n; s++) {
                        h[s] = Math.exp(dt * a[ch * n + s]) * h[s] + dt * u[idx] * bm[(bi * l + t) * n + s];
                        acc += h[s] * cm[(bi * l + t) * n + s];
                    }
                    if (d != null) acc += d[ch] * u[idx];
                    if (z != null) acc *= z[idx] * sigmoid(z[idx]);
                    y[idx] = acc;
                }
            }
        }
        return y;
    }

    /** Depthwise causal conv1d of x [B, L, C] with w [C, K] and bias [C] (may be null). */
    static double[] conv1d(double[] x, double[] w, double[] bias, int b, int l, int c, int taps) {
        double[] y = new double[b * l * c];
        for (int bi = 0; bi < b; bi++) {
            for (int t = 0; t < l; t++) {
                for (int ch = 0; ch < c; ch++) {
                    double s = bias == null ? 0 : bias[ch];
                    for (int k = 0; k < taps; k++) {
                        int tt = t - taps + 1 + k;
                        if (tt >= 0) s += w[ch * taps + k] * x[(bi * l + tt) * c + ch];
                    }
                    y[(bi * l + t) * c + ch] = s;
                }
            }
        }
        return y;
    }

    /** conv2d of x [N, C, H, W] with w [O, C/g, kh, kw], bias [O] (may be null); dims {N, C, H, W, O, kh, kw, sh, sw, ph, pw, g}. */
    static double[] conv2d(double[] x, double[] w, double[] bias, int[] dm) {
        int nb = dm[0], c = dm[1], hh = dm[2], ww = dm[3], o = dm[4], kh = dm[5], kw = dm[6], sh = dm[7], sw = dm[8],
                ph = dm[9], pw = dm[10], g = dm[11];
        int cg = c / g, og = o / g, ho = (hh + 2 * ph - kh) / sh + 1, wo = (ww + 2 * pw - kw) / sw + 1;
        double[] y = new double[nb * o * ho * wo];
        for (int n = 0; n < nb; n++) {
            for (int oc = 0; oc < o; oc++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        double s = bias == null ? 0 : bias[oc];
                        for (int ic = 0; ic < cg; ic++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int yy = oy * sh - ph + u, xx = ox * sw - pw + v;
                                    if (yy < 0 || yy >= hh || xx < 0 || xx >= ww) continue;
                                    s += x[((n * c + (oc / og) * cg + ic) * hh + yy) * ww + xx] * w[((oc * cg + ic) * kh + u) * kw + v];
                                }
                            }
                        }
                        y[((n * o + oc) * ho + oy) * wo + ox] = s;
                    }
                }
            }
        }
        return y;
    }
}
