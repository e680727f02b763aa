package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Tensor;

/**
 * Backward of {@link Conv2d} through the same column matrix: per batch entry, group and band of output rows,
 * with dy_g the group's [og, P] slice of the output gradient and col its [K, P] im2col of the input,
 * <pre>
 *   dW_g [og, K] += dy_g col^T        dcol [K, P] = W_g^T dy_g, scattered back onto dx (col2im)
 * </pre>
 * both as {@link Gemm} products (parallel inside), and dBias = dy summed over N and the output plane. The
 * bands and the order they are added in do not depend on the thread count, so neither do the bits.
 */
final class Conv2dBackward {
    private static final int COL_BUDGET = 1 << 22; // floats of each column buffer

    /** dx [N, C, H, W], dWeight [O, C/g, kh, kw], dBias [O] or null. */
    record Grads(float[] dx, float[] dw, float[] dBias) {}

    private Conv2dBackward() {}

    static Grads run(float[] x, float[] w, float[] dy, boolean withBias, ConvGeometry geo) {
        OpShapes.Conv2dDims d = geo.dims();
        int n = d.n(), c = d.c(), h = d.h(), wd = d.w(), o = d.o(), ho = d.ho(), wo = d.wo(), groups = geo.groups();
        int cg = d.cg(), og = geo.og(), k = geo.k(), plane = geo.plane();
        int band = Math.max(1, Math.min(ho, COL_BUDGET / Math.max(1, k * wo)));
        float[] dx = new float[n * c * h * wd], dw = new float[o * k];
        float[] col = new float[k * band * wo], dcol = new float[k * band * wo];
        Tensor dyT = Tensor.of(dy, dy.length), colT = Tensor.of(col, col.length);
        boolean[] started = new boolean[groups];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int xBase = (b * c + g * cg) * h * wd, dyBase = (b * o + g * og) * plane;
                for (int i0 = 0; i0 < ho; i0 += band) {
                    int rows = Math.min(band, ho - i0), pt = rows * wo, dyOff = dyBase + i0 * wo;
                    Conv2d.im2col(x, xBase, geo, i0, rows, col);
                    // dW_g[oc, q] += sum_p dy[oc, p] col[q, p]: A = dy_g (rows oc, stride plane), B = col^T
                    Gemm.gemm(og, k, pt, dy, dyOff, plane, 1, MatrixView.of(colT, 0, pt, true), dw, g * og * k, k,
                            started[g], true);
                    started[g] = true;
                    // dcol[q, p] = sum_oc W[oc, q] dy[oc, p]: A = W_g^T (element (q, oc) at oc * k + q), B = dy_g
                    Gemm.gemm(k, pt, og, w, g * og * k, 1, k, MatrixView.of(dyT, dyOff, plane, false), dcol, 0, pt,
                            false, true);
                    col2im(dcol, dx, xBase, geo, i0, rows);
                }
            }
        }
        float[] dBias = null;
        if (withBias) {
            dBias = new float[o];
            for (int b = 0; b < n; b++) {
                for (int oc = 0; oc < o; oc++) {
                    float s = 0f;
                    for (int p = 0, base = (b * o + oc) * plane; p < plane; p++) s += dy[base + p];
                    dBias[oc] += s;
                }
            }
        }
        return new Grads(dx, dw, dBias);
    }

    /** The adjoint of Conv2d.im2col: each column entry added back onto the input pixel it was read from. */
    private static void col2im(float[] dcol, float[] dx, int xBase, ConvGeometry g, int i0, int rows) {
        OpShapes.Conv2dDims cd = g.dims();
        int h = cd.h(), w = cd.w(), cg = cd.cg(), kh = cd.kh(), kw = cd.kw(), wo = cd.wo();
        int sh = g.sh(), sw = g.sw(), ph = g.ph(), pw = g.pw(), pt = rows * wo;
        for (int ic = 0; ic < cg; ic++) {
            for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) {
                    int src = ((ic * kh + u) * kw + v) * pt;
                    for (int i = 0; i < rows; i++) {
                        int yy = (i0 + i) * sh - ph + u;
                        if (yy < 0 || yy >= h) continue;
                        int dst = xBase + (ic * h + yy) * w, s = src + i * wo;
                        for (int j = 0; j < wo; j++) {
                            int xx = j * sw - pw + v;
                            if (xx >= 0 && xx < w) dx[dst + xx] += dcol[s + j];
                        }
                    }
                }
            }
        }
    }
}
