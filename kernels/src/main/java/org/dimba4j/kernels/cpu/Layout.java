package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Shape;

/**
 * Memory-bound layout ops done row by row: index arithmetic once per output row, then a copy (or a strided
 * gather) along the row, instead of per-element index decoding.
 */
final class Layout {
    private Layout() {}

    /** torch.permute as a copy: output dim i is input dim axes[i]. */
    static float[] permute(float[] x, int[] s, int[] axes) {
        int rank = s.length;
        int[] os = new int[rank];
        long[] st = Shape.strides(s);
        long[] ost = new long[rank]; // input stride of each output dim
        for (int i = 0; i < rank; i++) {
            os[i] = s[axes[i]];
            ost[i] = st[axes[i]];
        }
        float[] o = new float[x.length];
        if (o.length == 0) return o;
        int c = os[rank - 1], rows = o.length / c;
        int inner = (int) ost[rank - 1];
        Parallel.forRange(rows, 1, o.length, (r0, r1) -> {
            int[] idx = new int[rank];
            long rem = r0;
            for (int d = rank - 2; d >= 0; d--) {
                idx[d] = (int) (rem % os[d]);
                rem /= os[d];
            }
            for (int r = r0; r < r1; r++) {
                long src = 0;
                for (int d = 0; d < rank - 1; d++) src += idx[d] * ost[d];
                int so = (int) src, dst = r * c;
                if (inner == 1) {
                    System.arraycopy(x, so, o, dst, c);
                } else {
                    for (int j = 0; j < c; j++) o[dst + j] = x[so + j * inner];
                }
                for (int d = rank - 2; d >= 0; d--) {
                    if (++idx[d] < os[d]) break;
                    idx[d] = 0;
                }
            }
        });
        return o;
    }

    /** Nearest-neighbour upsampling of [planes, h, w] by an integer factor: each widened row is copied factor times. */
    static float[] upsampleNearest(float[] x, int planes, int h, int w, int factor) {
        int nw = w * factor, nh = h * factor;
        float[] o = new float[planes * nh * nw];
        Parallel.forRange(planes * h, 1, o.length, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int src = r * w, dst = r * factor * nw; // input row r = (plane, i) starts output row plane*nh + i*factor
                for (int j = 0; j < nw; j++) o[dst + j] = x[src + j / factor];
                for (int f = 1; f < factor; f++) System.arraycopy(o, dst, o, dst + f * nw, nw);
            }
        });
        return o;
    }
}
