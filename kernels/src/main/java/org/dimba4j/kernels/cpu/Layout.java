package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

/**
 * Memory-bound layout ops done row by row: index arithmetic once per output row, then a copy (or a strided
 * gather) along the row, instead of per-element index decoding. Slice, concat, flip and embedding read their
 * input through {@link Copies}, so mapped f16/bf16 tensors are widened only where they are read.
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

    /** x[..., start:end, ...] along an axis with {@code outer} rows before it and {@code inner} elements after it. */
    static float[] slice(Tensor x, int outer, int len, int inner, int start, int end) {
        int piece = (end - start) * inner;
        float[] o = new float[Math.multiplyExact(outer, piece)];
        Copies.blocks(x, (long) start * inner, (long) len * inner, o, 0, piece, outer, piece);
        return o;
    }

    /** torch.cat along an axis: each input's rows land at its offset inside every output row. */
    static float[] concat(Tensor[] xs, int axis, int outer, int inner, int total) {
        float[] o = new float[Math.multiplyExact(outer, Math.multiplyExact(total, inner))];
        int off = 0;
        for (Tensor t : xs) {
            int piece = t.dim(axis) * inner;
            Copies.blocks(t, 0, piece, o, off * inner, total * inner, outer, piece);
            off += t.dim(axis);
        }
        return o;
    }

    /** torch.flip along an axis of length n: row (p, i) of the output is row (p, n-1-i) of the input. */
    static float[] flip(Tensor x, int outer, int n, int inner) {
        float[] o = new float[Math.multiplyExact(outer, Math.multiplyExact(n, inner))];
        if (inner == 1) {
            // the last axis: copy each row in bulk, then reverse it in place
            Copies.blocks(x, 0, n, o, 0, n, outer, n);
            Parallel.forRange(outer, 1, o.length, (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    for (int i = p * n, j = i + n - 1; i < j; i++, j--) {
                        float t = o[i];
                        o[i] = o[j];
                        o[j] = t;
                    }
                }
            });
            return o;
        }
        Parallel.forRange(outer * n, 1, o.length, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int p = r / n, i = r % n;
                Copies.read(x, ((long) p * n + n - 1 - i) * inner, o, r * inner, inner);
            }
        });
        return o;
    }

    /** Rows {@code ids} of a [V, D] table (ids already checked), one bulk row copy each. */
    static float[] embedding(Tensor table, long[] ids, int d) {
        float[] o = new float[Math.multiplyExact(ids.length, d)];
        Parallel.forRange(ids.length, 1, o.length, (r0, r1) -> {
            for (int r = r0; r < r1; r++) Copies.read(table, ids[r] * d, o, r * d, d);
        });
        return o;
    }
}
