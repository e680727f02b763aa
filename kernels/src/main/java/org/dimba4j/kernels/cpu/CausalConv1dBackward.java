package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Backward of the depthwise causal conv1d over channel-last [B, L, C], vectors across channels as in the forward.
 * dx is a causal conv run the other way (row t gathers dy from rows t..t+K-1), parallel over rows; dWeight and
 * dBias sum over every row, so they are parallel over channel runs, each task walking all rows in order (the
 * same bits for any thread count).
 */
final class CausalConv1dBackward {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** dx [B, L, C], dWeight [C, K], dBias [C] or null. */
    record Grads(float[] dx, float[] dw, float[] dBias) {}

    private CausalConv1dBackward() {}

    static Grads run(float[] x, float[] w, float[] dy, boolean withBias, int bsz, int l, int c, int k) {
        float[] wt = new float[k * c]; // [K][C]: tap q of every channel is one vector load
        for (int ch = 0; ch < c; ch++) for (int q = 0; q < k; q++) wt[q * c + ch] = w[ch * k + q];
        float[] dx = new float[bsz * l * c];
        long work = (long) bsz * l * c * k;
        // dx[b, s, ch] = sum_q w[ch, q] dy[b, s + K-1-q, ch] over the outputs s + K-1-q < L
        Parallel.forRange(bsz * l, 1, work, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int b = r / l, s = r % l, qMin = Math.max(0, s + k - l);
                int i = 0, bound = S.loopBound(c);
                for (; i < bound; i += S.length()) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int q = qMin; q < k; q++) {
                        int src = (b * l + s + k - 1 - q) * c + i;
                        acc = FloatVector.fromArray(S, wt, q * c + i).fma(FloatVector.fromArray(S, dy, src), acc);
                    }
                    acc.intoArray(dx, r * c + i);
                }
                for (; i < c; i++) {
                    float acc = 0f;
                    for (int q = qMin; q < k; q++) acc += wt[q * c + i] * dy[(b * l + s + k - 1 - q) * c + i];
                    dx[r * c + i] = acc;
                }
            }
        });
        float[] dwt = new float[k * c], dBias = withBias ? new float[c] : null;
        int lanes = S.length(), blocks = (c + lanes - 1) / lanes;
        Parallel.forRange(blocks, 1, work, (blk0, blk1) -> {
            for (int blk = blk0; blk < blk1; blk++) weightBlock(x, dy, dwt, dBias, blk * lanes, Math.min(c, blk * lanes + lanes), bsz, l, c, k);
        });
        float[] dw = new float[c * k];
        for (int ch = 0; ch < c; ch++) for (int q = 0; q < k; q++) dw[ch * k + q] = dwt[q * c + ch];
        return new Grads(dx, dw, dBias);
    }

    /** dWeight (as [K][C]) and dBias of channels [c0, c1): sums of dy x over every row, in row order. */
    private static void weightBlock(float[] x, float[] dy, float[] dwt, float[] dBias, int c0, int c1, int bsz, int l,
                                    int c, int k) {
        if (c1 - c0 == S.length()) {
            // accumulators live in dwt / dBias themselves (L1-resident): an array of FloatVector would be boxed
            float[] bias = new float[S.length()];
            for (int b = 0; b < bsz; b++) {
                for (int t = 0; t < l; t++) {
                    FloatVector g = FloatVector.fromArray(S, dy, (b * l + t) * c + c0);
                    g.add(FloatVector.fromArray(S, bias, 0)).intoArray(bias, 0);
                    for (int q = Math.max(0, k - 1 - t); q < k; q++) {
                        g.fma(FloatVector.fromArray(S, x, (b * l + t - k + 1 + q) * c + c0), FloatVector.fromArray(S, dwt, q * c + c0))
                                .intoArray(dwt, q * c + c0);
                    }
                }
            }
            if (dBias != null) System.arraycopy(bias, 0, dBias, c0, S.length());
            return;
        }
        for (int ch = c0; ch < c1; ch++) {
            float bias = 0f;
            for (int b = 0; b < bsz; b++) {
                for (int t = 0; t < l; t++) {
                    float g = dy[(b * l + t) * c + ch];
                    bias += g;
                    for (int q = Math.max(0, k - 1 - t); q < k; q++) dwt[q * c + ch] += g * x[(b * l + t - k + 1 + q) * c + ch];
                }
            }
            if (dBias != null) dBias[ch] = bias;
        }
    }
}
