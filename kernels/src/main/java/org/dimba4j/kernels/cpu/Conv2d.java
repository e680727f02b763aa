package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Tensor;

/**
 * conv2d as im2col + GEMM, computed as out^T[P, O] = col^T[P, K] W^T[K, O] so the [O, C/g, kh, kw] weight is
 * the packed right operand exactly like a linear weight (widened from f16/bf16 while packing, never copied).
 * The column matrix is built for a band of output rows at a time, so it stays a few MB for any image size;
 * 1x1 stride-1 convolutions read the input in place.
 */
final class Conv2d {
    private static final int COL_BUDGET = 1 << 22; // floats of the column buffer

    private Conv2d() {}

    static float[] run(float[] x, Tensor weight, float[] bias, int n, int c, int h, int w, int o, int kh, int kw,
                       int sh, int sw, int ph, int pw, int groups, int ho, int wo) {
        int cg = c / groups, og = o / groups, k = cg * kh * kw, plane = ho * wo;
        boolean direct = kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
        int band = Math.max(1, Math.min(ho, COL_BUDGET / Math.max(1, k * wo)));
        float[] out = new float[n * o * plane];
        float[] col = direct ? null : new float[k * band * wo], tmp = new float[band * wo * og];
        MatrixView wv = MatrixView.of(weight, 0, k, true);
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int xBase = (b * c + g * cg) * h * w;
                for (int i0 = 0; i0 < ho; i0 += band) {
                    int rows = Math.min(band, ho - i0), pt = rows * wo;
                    if (direct) {
                        Gemm.gemm(pt, og, k, x, xBase + i0 * wo, 1, h * w, wv.at((long) g * og * k), tmp, 0, og, false, true);
                    } else {
                        im2col(x, xBase, h, w, cg, kh, kw, sh, sw, ph, pw, i0, rows, wo, col);
                        Gemm.gemm(pt, og, k, col, 0, 1, pt, wv.at((long) g * og * k), tmp, 0, og, false, true);
                    }
                    for (int oc = 0; oc < og; oc++) {
                        int dst = (b * o + g * og + oc) * plane + i0 * wo;
                        float bv = bias == null ? 0f : bias[g * og + oc];
                        for (int p = 0; p < pt; p++) out[dst + p] = tmp[p * og + oc] + bv;
                    }
                }
            }
        }
        return out;
    }

    /** col[(ic, u, v)][p] for output rows [i0, i0+rows): the input pixel each kernel tap sees, 0 in the padding. */
    static void im2col(float[] x, int xBase, int h, int w, int cg, int kh, int kw, int sh, int sw, int ph, int pw,
                       int i0, int rows, int wo, float[] col) {
        int pt = rows * wo;
        for (int ic = 0; ic < cg; ic++) {
            for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) {
                    int dst = ((ic * kh + u) * kw + v) * pt;
                    for (int i = 0; i < rows; i++) {
                        int yy = (i0 + i) * sh - ph + u, d = dst + i * wo;
                        if (yy < 0 || yy >= h) {
                            java.util.Arrays.fill(col, d, d + wo, 0f);
                            continue;
                        }
                        int src = xBase + (ic * h + yy) * w;
                        for (int j = 0; j < wo; j++) {
                            int xx = j * sw - pw + v;
                            col[d + j] = xx >= 0 && xx < w ? x[src + xx] : 0f;
                        }
                    }
                }
            }
        }
    }
}
