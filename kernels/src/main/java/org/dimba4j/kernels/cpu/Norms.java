package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Row-wise LayerNorm, RMSNorm, softmax and GroupNorm with vector reductions, rows split over the pool. */
final class Norms {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Norms() {}

    /** LayerNorm (rms=false) or RMSNorm (rms=true) over rows of c; w, b may be null. Two passes, mean-centred variance. */
    static float[] norm(float[] x, int rows, int c, float[] w, float[] b, float eps, boolean rms) {
        float[] o = new float[rows * c];
        Parallel.forRange(rows, 1, (long) rows * c * 4, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = r * c;
                float mean = rms ? 0f : sum(x, base, c) / c;
                float var = sumSquares(x, base, c, mean) / c;
                float inv = (float) (1 / Math.sqrt(var + eps));
                int i = 0, bound = S.loopBound(c);
                for (; i < bound; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, x, base + i).sub(mean).mul(inv);
                    if (w != null) v = v.mul(FloatVector.fromArray(S, w, i));
                    if (b != null) v = v.add(FloatVector.fromArray(S, b, i));
                    v.intoArray(o, base + i);
                }
                for (; i < c; i++) {
                    float v = (x[base + i] - mean) * inv;
                    if (w != null) v *= w[i];
                    if (b != null) v += b[i];
                    o[base + i] = v;
                }
            }
        });
        return o;
    }

    static float sum(float[] x, int base, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) acc = acc.add(FloatVector.fromArray(S, x, base + i));
        float s = VMath.sumLanes(acc);
        for (; i < n; i++) s += x[base + i];
        return s;
    }

    /** sum (x - mean)^2. */
    static float sumSquares(float[] x, int base, int n, float mean) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector d = FloatVector.fromArray(S, x, base + i).sub(mean);
            acc = d.fma(d, acc);
        }
        float s = VMath.sumLanes(acc);
        for (; i < n; i++) s += (x[base + i] - mean) * (x[base + i] - mean);
        return s;
    }

    static float max(float[] x, int base, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, base + i);
            acc = acc.blend(v, v.compare(VectorOperators.GT, acc));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) m = Math.max(m, x[base + i]);
        return m;
    }

    static float[] softmax(float[] x, int rows, int c) {
        float[] o = new float[rows * c];
        Parallel.forRange(rows, 1, (long) rows * c * 8, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int base = r * c;
                float m = max(x, base, c);
                FloatVector acc = FloatVector.zero(S);
                int i = 0, bound = S.loopBound(c);
                for (; i < bound; i += S.length()) {
                    FloatVector e = VMath.exp(FloatVector.fromArray(S, x, base + i).sub(m));
                    e.intoArray(o, base + i);
                    acc = acc.add(e);
                }
                float z = VMath.sumLanes(acc);
                for (; i < c; i++) {
                    o[base + i] = (float) Math.exp(x[base + i] - m);
                    z += o[base + i];
                }
                scaleInPlace(o, base, c, 1f / z);
            }
        });
        return o;
    }

    static void scaleInPlace(float[] o, int base, int n, float s) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, o, base + i).mul(s).intoArray(o, base + i);
        for (; i < n; i++) o[base + i] *= s;
    }

    /** GroupNorm over x [n, c, spatial]: statistics per (sample, group), affine per channel. */
    static float[] groupNorm(float[] x, int n, int c, int spatial, int groups, float[] w, float[] b, float eps) {
        float[] o = new float[x.length];
        int cpg = c / groups, span = cpg * spatial;
        Parallel.forRange(n * groups, 1, (long) x.length * 4, (g0, g1) -> {
            for (int ng = g0; ng < g1; ng++) {
                int base = ng * span, g = ng % groups;
                float mean = (float) (sumD(x, base, span) / span);
                float var = sumSquares(x, base, span, mean) / span;
                float inv = (float) (1 / Math.sqrt(var + eps));
                for (int ch = 0; ch < cpg; ch++) {
                    int cc = g * cpg + ch, cb = base + ch * spatial;
                    float sc = inv * (w == null ? 1f : w[cc]), sh = (b == null ? 0f : b[cc]) - mean * sc;
                    int i = 0, bound = S.loopBound(spatial);
                    for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, cb + i).fma(sc, sh).intoArray(o, cb + i);
                    for (; i < spatial; i++) o[cb + i] = x[cb + i] * sc + sh;
                }
            }
        });
        return o;
    }

    /** A sum in double over chunks of vector sums, for the long spans of GroupNorm. */
    private static double sumD(float[] x, int base, int n) {
        double s = 0;
        for (int i = 0; i < n; i += 4096) s += sum(x, base + i, Math.min(4096, n - i));
        return s;
    }
}
