package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Tensor;

/**
 * conv2d as im2col + GEMM: out[O, P] = W[O, C/g kh kw] col[C/g kh kw, P] per group. The column matrix is
 * channel-major ([K, P], what im2col writes), so it is the packed right operand read row by row, the weight is the
 * left operand read in place (its rows are contiguous in K), and the product lands straight in the NCHW output
 * rows: no transpose. The column matrix is built for a band of output rows at a time, so it stays a few MB for
 * any image size; 1x1 stride-1 convolutions read the input in place as the right operand.
 *
 * <p>The sums are the GEMM's (fixed k order whatever the thread split), the bias is added after them, so every
 * call gives the same bits.
 */
final class Conv2d {
    private static final int COL_BUDGET = 1 << 22; // floats of the column buffer

    private Conv2d() {}

    static float[] run(float[] x, Tensor weight, float[] bias, ConvGeometry g) {
        OpShapes.Conv2dDims d = g.dims();
        int n = d.n(), c = d.c(), h = d.h(), w = d.w(), o = d.o(), ho = d.ho(), wo = d.wo(), groups = g.groups();
        int cg = d.cg(), og = g.og(), k = g.k(), plane = g.plane();
        boolean direct = g.direct();
        int band = direct ? ho : Math.max(1, Math.min(ho, COL_BUDGET / Math.max(1, k * wo)));
        float[] out = new float[Math.multiplyExact(n, Math.multiplyExact(o, plane))];
        float[] col = direct ? null : new float[k * band * wo];
        float[] wf = weights(weight, o * k);
        for (int b = 0; b < n; b++) {
            for (int gi = 0; gi < groups; gi++) {
                int xBase = (b * c + gi * cg) * h * w, oBase = (b * o + gi * og) * plane;
                for (int i0 = 0; i0 < ho; i0 += band) {
                    int rows = Math.min(band, ho - i0), pt = rows * wo;
                    MatrixView cv;
                    if (direct) {
                        cv = new MatrixView(x, null, DType.F32, xBase + i0 * wo, h * w, 1);
                    } else {
                        im2col(x, xBase, g, i0, rows, col);
                        cv = new MatrixView(col, null, DType.F32, 0, pt, 1);
                    }
                    Gemm.gemm(og, pt, k, wf, gi * og * k, k, 1, cv, out, oBase + i0 * wo, plane, false, true);
                }
            }
        }
        if (bias != null) addBias(out, bias, n * o, o, plane);
        return out;
    }

    /** The weight as a heap f32 [O, K] array: in place when it is one, else widened once per call (a few MB). */
    private static float[] weights(Tensor weight, int count) {
        if (weight.isHostF32Array()) return weight.floats();
        float[] wf = new float[count];
        Copies.read(weight, 0, wf, 0, count);
        return wf;
    }

    /** out[(b, oc), p] += bias[oc], a channel row at a time. */
    private static void addBias(float[] out, float[] bias, int planes, int o, int plane) {
        Parallel.forRange(planes, 1, (long) planes * plane, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                float bv = bias[r % o];
                for (int p = r * plane, e = p + plane; p < e; p++) out[p] += bv;
            }
        });
    }

    /**
     * col[(ic, u, v)][p] for output rows [i0, i0+rows): the input pixel each kernel tap sees, 0 in the padding.
     * Channels are shared out over the pool (each writes its own kh*kw rows of col).
     */
    static void im2col(float[] x, int xBase, ConvGeometry g, int i0, int rows, float[] col) {
        OpShapes.Conv2dDims cd = g.dims();
        int h = cd.h(), w = cd.w(), cg = cd.cg(), kh = cd.kh(), kw = cd.kw(), wo = cd.wo();
        int sh = g.sh(), sw = g.sw(), ph = g.ph(), pw = g.pw(), pt = rows * wo;
        Parallel.forRange(cg, 1, (long) cg * kh * kw * pt, (c0, c1) -> {
            for (int ic = c0; ic < c1; ic++) {
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
                            if (sw == 1) {
                                // the in-range taps are one contiguous piece of the input row
                                int j0 = Math.max(0, pw - v), j1 = Math.min(wo, w + pw - v);
                                if (j1 <= j0) {
                                    java.util.Arrays.fill(col, d, d + wo, 0f);
                                    continue;
                                }
                                java.util.Arrays.fill(col, d, d + j0, 0f);
                                System.arraycopy(x, src + j0 - pw + v, col, d + j0, j1 - j0);
                                java.util.Arrays.fill(col, d + j1, d + wo, 0f);
                                continue;
                            }
                            for (int j = 0; j < wo; j++) {
                                int xx = j * sw - pw + v;
                                col[d + j] = xx >= 0 && xx < w ? x[src + xx] : 0f;
                            }
                        }
                    }
                }
            }
        });
    }
}
