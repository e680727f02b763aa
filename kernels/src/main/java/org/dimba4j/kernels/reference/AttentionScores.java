package org.dimba4j.kernels.reference;

/**
 * The softmax weights of one attention query row, as the reference computes them: shared by the forward and the
 * backward so that the backward's recomputed probabilities are exactly the forward's.
 */
final class AttentionScores {
    private AttentionScores() {}

    /**
     * Fills s[j] = exp(scale q_i . k_j + bias[h, i, j] - max) for the keys of query row i of head h in batch entry b,
     * and 0 for masked keys (m[b, j] == 0). Returns their sum, the softmax denominator: 0 when every key is masked.
     * q, k are [B, L, H*D]; bias [H, Lq, Lk] or, if batchedBias, [B, H, Lq, Lk].
     */
    static double numerators(float[] qs, float[] ks, float[] m, float[] bb, double[] s, int b, int h, int i, int lq,
                             int lk, int heads, int d, float scale, boolean batchedBias) {
        int hd = heads * d, qo = (b * lq + i) * hd + h * d;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < lk; j++) {
            if (m != null && m[b * lk + j] == 0f) {
                s[j] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double dot = 0;
            for (int c = 0; c < d; c++) dot += (double) qs[qo + c] * ks[(b * lk + j) * hd + h * d + c];
            dot *= scale;
            if (bb != null) dot += bb[(((batchedBias ? b * heads : 0) + h) * lq + i) * lk + j];
            s[j] = dot;
            max = Math.max(max, dot);
        }
        if (max == Double.NEGATIVE_INFINITY) return 0;
        double z = 0;
        for (int j = 0; j < lk; j++) {
            s[j] = s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
            z += s[j];
        }
        return z;
    }
}
