package org.dimba4j.kernels.opencl;

/**
 * Flash-style attention: a work-group holds TQ query rows of one (batch, head); it walks the keys in blocks of TK,
 * staging K and V blocks in local memory, and each work-item keeps an online softmax (running max, running sum,
 * unnormalised output row in private memory), so no Lq x Lk matrix ever exists.
 */
abstract class AttentionKernels extends MatmulKernels {
    static final int TQ = 16;
    static final int TK = 16;
    /** Largest head dim the tiled kernel supports (private accumulators and local tiles are sized by it). */
    static final int MAX_HEAD_DIM = 128;

    @Local float[] tileK = new float[TK * MAX_HEAD_DIM];
    @Local float[] tileV = new float[TK * MAX_HEAD_DIM];
    @Local float[] tileKeep = new float[TK];
    @PrivateMemorySpace(MAX_HEAD_DIM) float[] qRow = new float[MAX_HEAD_DIM];
    @PrivateMemorySpace(MAX_HEAD_DIM) float[] accRow = new float[MAX_HEAD_DIM];
    @PrivateMemorySpace(TK) float[] scores = new float[TK];

    /**
     * out[b, i, h*D..] = softmax_j(f0 * q_i.k_j + bias[h, i, j]) v_j over the kept keys. B = n0, H = n1, Lq = n2,
     * Lk = n3, D = n4, query blocks per (b, h) = n5, n6 = 1 when bias is [B, H, Lq, Lk]; q aOff, k bOff, v cOff,
     * keyMask [B, Lk] dOff (or -1; 0 drops a key), bias eOff (or -1), out oOff. A row with no kept key is zeros.
     * Range: B * H * n5 * TQ work-items, local TQ.
     */
    void attention() {
        int group = getGroupId(0);
        int lid = getLocalId(0);
        int qb = group % n5;
        int bh = group / n5;
        int h = bh % n1;
        int b = bh / n1;
        int i = qb * TQ + lid;
        int d = n4;
        int hd = n1 * d;
        boolean active = i < n2;
        int qBase = aOff + (b * n2 + i) * hd + h * d;
        for (int c = 0; c < d; c++) {
            qRow[c] = active ? ld(qBase + c) * f0 : 0f;
            accRow[c] = 0f;
        }
        int biasRow = eOff + (((n6 == 1 ? b * n1 : 0) + h) * n2 + i) * n3;
        float m = NEG_MAX;
        float l = 0f;
        for (int jb = 0; jb < n3; jb += TK) {
            for (int x = lid; x < TK * d; x += TQ) {
                int j = jb + x / d;
                int kv = (b * n3 + j) * hd + h * d + x % d;
                tileK[x] = j < n3 ? ld(bOff + kv) : 0f;
                tileV[x] = j < n3 ? ld(cOff + kv) : 0f;
            }
            if (lid < TK) {
                int j = jb + lid;
                float keep = j < n3 ? 1f : 0f;
                if (j < n3 && dOff >= 0) keep = ld(dOff + b * n3 + j) != 0f ? 1f : 0f;
                tileKeep[lid] = keep;
            }
            localBarrier();
            if (active) {
                float blockMax = m;
                for (int jj = 0; jj < TK; jj++) {
                    float s = NEG_MAX;
                    if (tileKeep[jj] != 0f) {
                        s = 0f;
                        for (int c = 0; c < d; c++) s += qRow[c] * tileK[jj * d + c];
                        if (eOff >= 0) s += ld(biasRow + jb + jj);
                        blockMax = max(blockMax, s);
                    }
                    scores[jj] = s;
                }
                if (blockMax > NEG_MAX) {
                    float corr = exp(m - blockMax);
                    l = l * corr;
                    for (int c = 0; c < d; c++) accRow[c] = accRow[c] * corr;
                    for (int jj = 0; jj < TK; jj++) {
                        if (tileKeep[jj] != 0f) {
                            float pj = exp(scores[jj] - blockMax);
                            l += pj;
                            for (int c = 0; c < d; c++) accRow[c] += pj * tileV[jj * d + c];
                        }
                    }
                    m = blockMax;
                }
            }
            localBarrier();
        }
        if (active) {
            float inv = l > 0f ? 1f / l : 0f;
            for (int c = 0; c < d; c++) st(oOff + (b * n2 + i) * hd + h * d + c, accRow[c] * inv);
        }
    }
}
