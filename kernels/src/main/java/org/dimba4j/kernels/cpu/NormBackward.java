package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Backward of LayerNorm, RMSNorm (and softmax) over rows of c channels, rows split over the pool. With xhat the normalised
 * row (x - mean) inv (mean = 0 for RMSNorm), inv = 1 / sqrt(var + eps) and g = dy w:
 * <pre>
 *   dx = inv (g - mean(g) - xhat mean(g xhat))      (RMSNorm: no mean(g) term)
 *   dw = sum_rows dy xhat,  db = sum_rows dy
 * </pre>
 * dw and db are summed in f32 over chunks of {@link #CHUNK} rows (fixed, so the summation order never depends on the
 * thread count), and the chunks' sums are added in double in chunk order: every thread count gives the same bits.
 */
final class NormBackward {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Rows per partial sum of dw, db. */
    static final int CHUNK = 64;

    private NormBackward() {}

    /** dx, and dw, db [c] (null when w is null; db is null for RMSNorm). */
    record Grads(float[] dx, float[] dw, float[] db) {}

    static Grads run(float[] x, float[] w, float[] dy, int rows, int c, float eps, boolean rms) {
        float[] dx = new float[rows * c];
        int chunks = (rows + CHUNK - 1) / CHUNK;
        float[][] dwPart = new float[chunks][], dbPart = new float[chunks][];
        Parallel.forRange(chunks, 1, (long) rows * c * 10, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                float[] dw = w == null ? null : new float[c], db = w == null || rms ? null : new float[c];
                for (int r = k * CHUNK, r1 = Math.min(rows, r + CHUNK); r < r1; r++) row(x, w, dy, dx, dw, db, r * c, c, eps, rms);
                dwPart[k] = dw;
                dbPart[k] = db;
            }
        });
        return new Grads(dx, w == null ? null : total(dwPart, c), w == null || rms ? null : total(dbPart, c));
    }

    private static void row(float[] x, float[] w, float[] dy, float[] dx, float[] dw, float[] db, int base, int c, float eps,
                            boolean rms) {
        final int l = S.length();
        float mean = rms ? 0f : Norms.sum(x, base, c) / c;
        float inv = (float) (1 / Math.sqrt(Norms.sumSquares(x, base, c, mean) / c + eps));
        // pass 1: sum(g), sum(g xhat), and this row's share of dw, db
        FloatVector sg = FloatVector.zero(S), sgx = FloatVector.zero(S);
        int i = 0, bound = S.loopBound(c);
        for (; i < bound; i += l) {
            FloatVector xh = FloatVector.fromArray(S, x, base + i).sub(mean).mul(inv), d = FloatVector.fromArray(S, dy, base + i);
            FloatVector g = w == null ? d : d.mul(FloatVector.fromArray(S, w, i));
            sg = sg.add(g);
            sgx = g.fma(xh, sgx);
            if (dw != null) d.fma(xh, FloatVector.fromArray(S, dw, i)).intoArray(dw, i);
            if (db != null) d.add(FloatVector.fromArray(S, db, i)).intoArray(db, i);
        }
        float sumG = VMath.sumLanes(sg), sumGx = VMath.sumLanes(sgx);
        for (int j = i; j < c; j++) {
            float xh = (x[base + j] - mean) * inv, g = dy[base + j] * (w == null ? 1f : w[j]);
            sumG += g;
            sumGx += g * xh;
            if (dw != null) dw[j] += dy[base + j] * xh;
            if (db != null) db[j] += dy[base + j];
        }
        float meanG = rms ? 0f : sumG / c, meanGx = sumGx / c;
        // pass 2: dx = inv (g - meanG - xhat meanGx)
        for (i = 0; i < bound; i += l) {
            FloatVector xh = FloatVector.fromArray(S, x, base + i).sub(mean).mul(inv), d = FloatVector.fromArray(S, dy, base + i);
            FloatVector g = w == null ? d : d.mul(FloatVector.fromArray(S, w, i));
            g.sub(meanG).sub(xh.mul(meanGx)).mul(inv).intoArray(dx, base + i);
        }
        for (int j = i; j < c; j++) {
            float xh = (x[base + j] - mean) * inv, g = dy[base + j] * (w == null ? 1f : w[j]);
            dx[base + j] = inv * (g - meanG - xh * meanGx);
        }
    }

    /** Softmax backward from its output y over rows of c: dx = y (dy - sum(dy y)). */
    static float[] softmax(float[] y, float[] dy, int rows, int c) {
        float[] dx = new float[rows * c];
        Parallel.forRange(rows, 1, (long) rows * c * 4, (r0, r1) -> {
            final int l = S.length(), bound = S.loopBound(c);
            for (int r = r0; r < r1; r++) {
                int base = r * c, i = 0;
                FloatVector acc = FloatVector.zero(S);
                for (; i < bound; i += l) acc = FloatVector.fromArray(S, dy, base + i).fma(FloatVector.fromArray(S, y, base + i), acc);
                float dot = VMath.sumLanes(acc);
                for (; i < c; i++) dot += dy[base + i] * y[base + i];
                for (i = 0; i < bound; i += l) {
                    FloatVector.fromArray(S, dy, base + i).sub(dot).mul(FloatVector.fromArray(S, y, base + i)).intoArray(dx, base + i);
                }
                for (; i < c; i++) dx[base + i] = y[base + i] * (dy[base + i] - dot);
            }
        });
        return dx;
    }

    /** The chunks' partial sums added in double, in chunk order. */
    private static float[] total(float[][] parts, int c) {
        float[] out = new float[c];
        for (int i = 0; i < c; i++) {
            double s = 0;
            for (float[] p : parts) s += p[i];
            out[i] = (float) s;
        }
        return out;
    }
}
