package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.ConvGrads;

/**
 * Backward of the convolutions in plain loops: the forward's loop nest run once more, each multiply-add
 * {@code out += x w} scattered back as {@code dx += dy w} and {@code dw += dy x}, in double.
 */
final class ConvBackward {
    private ConvBackward() {}

    static ConvGrads conv2d(Tensor x, Tensor weight, Tensor dy, boolean withBias, int strideH, int strideW, int padH,
                            int padW, int groups) {
        OpShapes.Conv2dDims cd = OpShapes.conv2dBackward(x, weight, dy, strideH, strideW, padH, padW, groups);
        int n = cd.n(), c = cd.c(), h = cd.h(), w = cd.w(), o = cd.o(), cg = cd.cg(), kh = cd.kh(), kw = cd.kw();
        int ho = cd.ho(), wo = cd.wo();
        float[] xs = ReferenceBackend.f(x), ws = ReferenceBackend.f(weight), gs = ReferenceBackend.f(dy);
        double[] dx = new double[xs.length], dw = new double[ws.length], db = withBias ? new double[o] : null;
        int og = o / groups;
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double gy = gs[((b * o + oc) * ho + i) * wo + j];
                        if (db != null) db[oc] += gy;
                        for (int ic = 0; ic < cg; ic++) {
                            int xc = g * cg + ic;
                            for (int u = 0; u < kh; u++) {
                                int yy = i * strideH - padH + u;
                                if (yy < 0 || yy >= h) continue;
                                for (int v = 0; v < kw; v++) {
                                    int xx = j * strideW - padW + v;
                                    if (xx < 0 || xx >= w) continue;
                                    int xi = ((b * c + xc) * h + yy) * w + xx, wi = ((oc * cg + ic) * kh + u) * kw + v;
                                    dx[xi] += gy * ws[wi];
                                    dw[wi] += gy * xs[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new ConvGrads(ReferenceBackend.out(dx, x.shape()), ReferenceBackend.out(dw, weight.shape()),
                db == null ? null : ReferenceBackend.out(db, o));
    }

    static ConvGrads causalConv1d(Tensor x, Tensor weight, Tensor dy, boolean withBias) {
        OpShapes.CausalConv1dDims cd = OpShapes.causalConv1dBackward(x, weight, dy);
        int bsz = cd.b(), l = cd.l(), c = cd.c(), k = cd.k();
        float[] xs = ReferenceBackend.f(x), ws = ReferenceBackend.f(weight), gs = ReferenceBackend.f(dy);
        double[] dx = new double[xs.length], dw = new double[ws.length], db = withBias ? new double[c] : null;
        for (int b = 0; b < bsz; b++)
            for (int t = 0; t < l; t++)
                for (int ch = 0; ch < c; ch++) {
                    double gy = gs[(b * l + t) * c + ch];
                    if (db != null) db[ch] += gy;
                    for (int q = 0; q < k; q++) {
                        int tt = t - k + 1 + q; // the input step tap q reads (zero padding before t = 0)
                        if (tt < 0) continue;
                        int xi = (b * l + tt) * c + ch;
                        dx[xi] += gy * ws[ch * k + q];
                        dw[ch * k + q] += gy * xs[xi];
                    }
                }
        return new ConvGrads(ReferenceBackend.out(dx, x.shape()), ReferenceBackend.out(dw, weight.shape()),
                db == null ? null : ReferenceBackend.out(db, c));
    }
}
