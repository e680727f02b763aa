package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** sum / mean / max along one dim of a tensor seen as [outer, n, inner]; vectors along inner (or along n when inner is 1). */
final class Reductions {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    enum Kind { SUM, MEAN, MAX }

    private Reductions() {}

    static float[] reduce(Kind kind, float[] x, int outer, int n, int inner) {
        float[] o = new float[outer * inner];
        for (int p = 0; p < outer; p++) {
            if (inner == 1) {
                float v = kind == Kind.MAX ? Norms.max(x, p * n, n) : Norms.sum(x, p * n, n);
                o[p] = kind == Kind.MEAN ? v / n : v;
                continue;
            }
            int ob = p * inner, i = 0, bound = S.loopBound(inner);
            for (; i < bound; i += S.length()) {
                FloatVector acc = FloatVector.fromArray(S, x, p * n * inner + i);
                for (int j = 1; j < n; j++) {
                    FloatVector v = FloatVector.fromArray(S, x, (p * n + j) * inner + i);
                    acc = kind == Kind.MAX ? acc.blend(v, v.compare(VectorOperators.GT, acc)) : acc.add(v);
                }
                if (kind == Kind.MEAN) acc = acc.div(n);
                acc.intoArray(o, ob + i);
            }
            for (; i < inner; i++) {
                float acc = x[p * n * inner + i];
                for (int j = 1; j < n; j++) {
                    float v = x[(p * n + j) * inner + i];
                    acc = kind == Kind.MAX ? Math.max(acc, v) : acc + v;
                }
                o[ob + i] = kind == Kind.MEAN ? acc / n : acc;
            }
        }
        return o;
    }
}
