package org.dimba4j.kernels.opencl;

/**
 * Attention backward, FlashAttention-2 style: no Lq x Lk matrix is ever stored. A first launch recomputes per query
 * row the logsumexp of its scores and D_i = dO_i . O_i; then dQ is computed per query row walking the keys, and dK/dV
 * per key walking the queries, each recomputing P_ij = exp(s_ij - lse_i) and dS_ij = P_ij (dO_i . v_j - D_i). Tiled
 * as the forward ({@link AttentionKernels}): a work-group holds 16 rows of one (batch, head) and stages 16-row blocks
 * of the other side in local memory. Every output element is summed by one work-item in a fixed order: deterministic,
 * no atomics.
 *
 * <p>Shared parameters: B = n0, H = n1, Lq = n2, Lk = n3, D = n4, blocks per (b, h) n5, n6 = 1 when bias is
 * [B, H, Lq, Lk]; scale f0; q aOff, k bOff, v cOff, keyMask dOff (or -1; 0 drops a key), bias eOff (or -1), dOut
 * gOff, stats hOff (per (b, h, i): logsumexp, D_i).
 */
abstract class AttentionBackwardKernels extends BackwardKernels {
    static final int OP_ATTENTION_STATS = 24, OP_ATTENTION_DQ = 25, OP_ATTENTION_DKV = 26;
    /** Marks a query row whose keys are all masked: its probabilities, hence its gradients, are zero. */
    static final float NO_KEYS = -3.4028235E38f;

    /** Two more private rows (with the forward's {@code qRow} and {@code accRow}). */
    @PrivateMemorySpace(MAX_HEAD_DIM) float[] rowA = new float[MAX_HEAD_DIM];
    @PrivateMemorySpace(MAX_HEAD_DIM) float[] rowB = new float[MAX_HEAD_DIM];
    /** The staged query block's logsumexp (first TQ) and D_i (next TQ). */
    @Local float[] tileStats = new float[2 * TQ];

    /** Stages keys jb..jb+TK of (b, h) into tileK (and values into tileV when {@code withV}), keep flags into tileKeep. */
    void stageKeyBlock(int b, int h, int jb, boolean withV) {
        int lid = getLocalId(0);
        int d = n4;
        int hd = n1 * d;
        for (int x = lid; x < TK * d; x += TQ) {
            int j = jb + x / d;
            int kv = (b * n3 + j) * hd + h * d + x % d;
            tileK[x] = j < n3 ? ld(bOff + kv) : 0f;
            if (withV) tileV[x] = j < n3 ? ld(cOff + kv) : 0f;
        }
        if (lid < TK) {
            int j = jb + lid;
            float keep = j < n3 ? 1f : 0f;
            if (j < n3 && dOff >= 0) keep = ld(dOff + b * n3 + j) != 0f ? 1f : 0f;
            tileKeep[lid] = keep;
        }
    }

    /** Additive bias of score (b, h, i, j), or 0 without one. */
    float biasAt(int b, int h, int i, int j) {
        return eOff >= 0 ? ld(eOff + (((n6 == 1 ? b * n1 : 0) + h) * n2 + i) * n3 + j) : 0f;
    }

    /** qRow = query row i of (b, h) times the scale (zeros when inactive), as the forward computes its scores. */
    void loadScaledQuery(int b, int h, int i, boolean active) {
        int qBase = aOff + (b * n2 + i) * n1 * n4 + h * n4;
        for (int c = 0; c < n4; c++) qRow[c] = active ? ld(qBase + c) * f0 : 0f;
    }

    /**
     * Launch 1, one work-item per query row: logsumexp over the kept keys (NO_KEYS when none) and D_i into stats;
     * out fOff. Range: B * H * n5 * TQ, local TQ (n5 query blocks).
     */
    void attentionRowStats() {
        int group = getGroupId(0);
        int lid = getLocalId(0);
        int bh = group / n5;
        int h = bh % n1;
        int b = bh / n1;
        int i = (group % n5) * TQ + lid;
        boolean active = i < n2;
        loadScaledQuery(b, h, i, active);
        float m = NO_KEYS;
        float l = 0f;
        for (int jb = 0; jb < n3; jb += TK) {
            stageKeyBlock(b, h, jb, false);
            localBarrier();
            if (active) {
                for (int jj = 0; jj < TK; jj++) {
                    if (tileKeep[jj] != 0f) {
                        float s = 0f;
                        for (int c = 0; c < n4; c++) s += qRow[c] * tileK[jj * n4 + c];
                        s += biasAt(b, h, i, jb + jj);
                        float mNew = max(m, s);
                        l = l * exp(m - mNew) + exp(s - mNew);
                        m = mNew;
                    }
                }
            }
            localBarrier();
        }
        if (active) {
            int oBase = (b * n2 + i) * n1 * n4 + h * n4;
            float di = 0f;
            for (int c = 0; c < n4; c++) di += ld(gOff + oBase + c) * ld(fOff + oBase + c);
            int q = bh * n2 + i;
            st(hOff + 2 * q, l > 0f ? m + log(l) : NO_KEYS);
            st(hOff + 2 * q + 1, di);
        }
    }

    /**
     * Launch 2, one work-item per query row walking the key blocks: dq_i = scale * sum_j dS_ij k_j into oOff.
     * Range: B * H * n5 * TQ, local TQ (n5 query blocks).
     */
    void attentionDq() {
        int group = getGroupId(0);
        int lid = getLocalId(0);
        int bh = group / n5;
        int h = bh % n1;
        int b = bh / n1;
        int i = (group % n5) * TQ + lid;
        boolean active = i < n2;
        int rowBase = (b * n2 + i) * n1 * n4 + h * n4;
        loadScaledQuery(b, h, i, active);
        for (int c = 0; c < n4; c++) {
            rowA[c] = active ? ld(gOff + rowBase + c) : 0f;
            accRow[c] = 0f;
        }
        int q = bh * n2 + i;
        float lse = active ? ld(hOff + 2 * q) : NO_KEYS;
        float di = active ? ld(hOff + 2 * q + 1) : 0f;
        for (int jb = 0; jb < n3; jb += TK) {
            stageKeyBlock(b, h, jb, true);
            localBarrier();
            if (lse > NO_KEYS) {
                for (int jj = 0; jj < TK; jj++) {
                    if (tileKeep[jj] != 0f) {
                        float s = 0f;
                        float dp = 0f;
                        for (int c = 0; c < n4; c++) {
                            s += qRow[c] * tileK[jj * n4 + c];
                            dp += rowA[c] * tileV[jj * n4 + c];
                        }
                        s += biasAt(b, h, i, jb + jj);
                        float ds = exp(s - lse) * (dp - di);
                        for (int c = 0; c < n4; c++) accRow[c] += ds * tileK[jj * n4 + c];
                    }
                }
            }
            localBarrier();
        }
        if (active) {
            for (int c = 0; c < n4; c++) st(oOff + rowBase + c, accRow[c] * f0);
        }
    }

    /**
     * Launch 3, one work-item per key walking the query blocks (scaled queries staged in tileK, dO rows in tileV, their
     * stats in tileStats): dv_j = sum_i P_ij dO_i into fOff, dk_j = scale * sum_i dS_ij q_i into oOff; zeros for a
     * masked key. Range: B * H * n5 * TK, local TK (n5 key blocks).
     */
    void attentionDkv() {
        int group = getGroupId(0);
        int lid = getLocalId(0);
        int bh = group / n5;
        int h = bh % n1;
        int b = bh / n1;
        int j = (group % n5) * TK + lid;
        int d = n4;
        int hd = n1 * d;
        boolean active = j < n3;
        boolean keep = active && (dOff < 0 || ld(dOff + b * n3 + j) != 0f);
        int kv = (b * n3 + j) * hd + h * d;
        for (int c = 0; c < d; c++) {
            qRow[c] = active ? ld(bOff + kv + c) : 0f; // this key's row
            rowA[c] = active ? ld(cOff + kv + c) : 0f; // this value's row
            accRow[c] = 0f;
            rowB[c] = 0f;
        }
        for (int ib = 0; ib < n2; ib += TQ) {
            for (int x = lid; x < TQ * d; x += TK) {
                int i = ib + x / d;
                int qo = (b * n2 + i) * hd + h * d + x % d;
                tileK[x] = i < n2 ? ld(aOff + qo) * f0 : 0f;
                tileV[x] = i < n2 ? ld(gOff + qo) : 0f;
            }
            if (lid < TQ) {
                int i = ib + lid;
                int stat = 2 * (bh * n2 + i);
                tileStats[lid] = i < n2 ? ld(hOff + stat) : NO_KEYS;
                tileStats[TQ + lid] = i < n2 ? ld(hOff + stat + 1) : 0f;
            }
            localBarrier();
            if (keep) {
                for (int ii = 0; ii < TQ; ii++) {
                    float lse = tileStats[ii];
                    if (lse > NO_KEYS) {
                        float s = 0f;
                        float dp = 0f;
                        for (int c = 0; c < d; c++) {
                            s += tileK[ii * d + c] * qRow[c];
                            dp += tileV[ii * d + c] * rowA[c];
                        }
                        s += biasAt(b, h, ib + ii, j);
                        float p = exp(s - lse);
                        float ds = p * (dp - tileStats[TQ + ii]);
                        for (int c = 0; c < d; c++) {
                            rowB[c] += p * tileV[ii * d + c];
                            accRow[c] += ds * tileK[ii * d + c];
                        }
                    }
                }
            }
            localBarrier();
        }
        if (active) {
            for (int c = 0; c < d; c++) {
                st(oOff + kv + c, accRow[c]);
                st(fOff + kv + c, rowB[c]);
            }
        }
    }
}
