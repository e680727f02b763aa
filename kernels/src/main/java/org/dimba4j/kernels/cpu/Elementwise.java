package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.dimba4j.kernels.Shape;

/**
 * Binary arithmetic with numpy broadcasting. The output is walked row by row (rows = all dims but the last);
 * each operand contributes either a full row (its last dim is not broadcast) or one value per row, so every
 * case, same-shape, trailing ([B,L,C] + [C]), per-batch ([B,L,C] * [B,1,C]) or column ([..,C] * [..,1]),
 * runs a vector loop over the row.
 */
final class Elementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    enum Op { ADD, SUB, MUL, DIV }

    private Elementwise() {}

    static float[] binary(Op op, float[] x, int[] as, float[] y, int[] bs, int[] os) {
        int rank = os.length;
        int c = rank == 0 ? 1 : os[rank - 1];
        int rows = c == 0 ? 0 : Math.toIntExact(Shape.numel(os) / c);
        long[] ast = strides(as, os), bst = strides(bs, os);
        boolean aRow = rank > 0 && ast[rank - 1] != 0, bRow = rank > 0 && bst[rank - 1] != 0;
        float[] o = new float[Math.toIntExact(Shape.numel(os))];
        if (rank <= 1) {
            row(op, x, 0, aRow, y, 0, bRow, o, 0, c);
            return o;
        }
        Parallel.forRange(rows, 1, (long) rows * c, (r0, r1) -> {
            int[] idx = new int[rank - 1];
            long rem = r0;
            for (int d = rank - 2; d >= 0; d--) {
                idx[d] = (int) (rem % os[d]);
                rem /= os[d];
            }
            for (int r = r0; r < r1; r++) {
                long ao = 0, bo = 0;
                for (int d = 0; d < rank - 1; d++) {
                    ao += idx[d] * ast[d];
                    bo += idx[d] * bst[d];
                }
                row(op, x, (int) ao, aRow, y, (int) bo, bRow, o, r * c, c);
                for (int d = rank - 2; d >= 0; d--) {
                    if (++idx[d] < os[d]) break;
                    idx[d] = 0;
                }
            }
        });
        return o;
    }

    /** Strides of an operand in the output's index space, 0 along broadcast dims. */
    private static long[] strides(int[] s, int[] os) {
        long[] st = Shape.strides(s), r = new long[os.length];
        int off = os.length - s.length;
        for (int i = 0; i < s.length; i++) r[i + off] = s[i] == 1 ? 0 : st[i];
        return r;
    }

    /** o[oo..oo+n) = x-row op y-row, where an operand that is not a row repeats its single value. */
    private static void row(Op op, float[] x, int xo, boolean xRow, float[] y, int yo, boolean yRow, float[] o, int oo, int n) {
        int i = 0, bound = S.loopBound(n);
        float xs = xRow || n == 0 ? 0 : x[xo], ys = yRow || n == 0 ? 0 : y[yo];
        for (; i < bound; i += S.length()) {
            FloatVector a = xRow ? FloatVector.fromArray(S, x, xo + i) : FloatVector.broadcast(S, xs);
            FloatVector b = yRow ? FloatVector.fromArray(S, y, yo + i) : FloatVector.broadcast(S, ys);
            FloatVector v = switch (op) {
                case ADD -> a.add(b);
                case SUB -> a.sub(b);
                case MUL -> a.mul(b);
                case DIV -> a.div(b);
            };
            v.intoArray(o, oo + i);
        }
        for (; i < n; i++) {
            float a = xRow ? x[xo + i] : xs, b = yRow ? y[yo + i] : ys;
            o[oo + i] = switch (op) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
            };
        }
    }
}
