package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Depthwise causal conv1d over channel-last [B, L, C]: vectors across channels, the K taps unrolled by the loop. */
final class CausalConv1d {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private CausalConv1d() {}

    static float[] run(float[] x, float[] w, float[] bias, int bsz, int l, int c, int k) {
        float[] wt = new float[k * c]; // [K][C]: tap q of every channel is one vector load
        for (int ch = 0; ch < c; ch++) for (int q = 0; q < k; q++) wt[q * c + ch] = w[ch * k + q];
        float[] o = new float[bsz * l * c];
        Parallel.forRange(bsz * l, 1, (long) bsz * l * c * k, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int b = r / l, t = r % l, dst = r * c;
                int i = 0, bound = S.loopBound(c);
                for (; i < bound; i += S.length()) {
                    FloatVector acc = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, i);
                    for (int q = Math.max(0, k - 1 - t); q < k; q++) {
                        int src = (b * l + t - k + 1 + q) * c + i;
                        acc = FloatVector.fromArray(S, wt, q * c + i).fma(FloatVector.fromArray(S, x, src), acc);
                    }
                    acc.intoArray(o, dst + i);
                }
                for (; i < c; i++) {
                    float acc = bias == null ? 0f : bias[i];
                    for (int q = Math.max(0, k - 1 - t); q < k; q++) acc += wt[q * c + i] * x[(b * l + t - k + 1 + q) * c + i];
                    o[dst + i] = acc;
                }
            }
        });
        return o;
    }
}
