package org.dimba4j.kernels.opencl;

/**
 * Backward kernels of the row-wise ops: activations (elementwise on x and dy), softmax and the norms (one work-group
 * per row, as their forwards), the norms' weight and bias gradients (one work-item per channel walking the rows in
 * order, so the sums are deterministic: no atomics), and attention (FlashAttention-2 style recomputation, see
 * {@link #attentionRowStats}).
 */
abstract class BackwardKernels extends SequenceKernels {
    static final int OP_ACTIVATION_GRAD = 20, OP_SOFTMAX_GRAD = 21, OP_NORM_GRAD = 22, OP_NORM_PARAM_GRAD = 23,
            OP_ATTENTION_STATS = 24, OP_ATTENTION_DQ = 25, OP_ATTENTION_DKV = 26;
    /** Marks a query row whose keys are all masked: its probabilities, hence its gradients, are zero. */
    static final float NO_KEYS = -3.4028235E38f;

    /** Two more private rows for the attention backward (with {@code qRow} and {@code accRow} of the forward). */
    @PrivateMemorySpace(MAX_HEAD_DIM) float[] rowA = new float[MAX_HEAD_DIM];
    @PrivateMemorySpace(MAX_HEAD_DIM) float[] rowB = new float[MAX_HEAD_DIM];

    /** d/dx of the activation {@code code} (an {@code UN_} code of the forward) at v. */
    float activationSlope(int code, float v) {
        float g = 0f;
        if (code == UN_SILU) {
            float s = 1f / (1f + exp(-v));
            g = s * (1f + v * (1f - s));
        } else if (code == UN_GELU_TANH) {
            // PyTorch's gelu_backward(approximate="tanh"): product rule on 0.5 x (1 + tanh(inner))
            float v2 = v * v;
            float t = tanhf(0.7978845608f * (v + 0.044715f * v2 * v));
            g = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * 0.7978845608f * (1f + 3f * 0.044715f * v2);
        } else if (code == UN_GELU_ERF) {
            g = 0.5f * (1f + erff(v * 0.70710678f)) + v * 0.39894228f * exp(-0.5f * v * v);
        } else if (code == UN_RELU) {
            g = v > 0f ? 1f : 0f;
        } else if (code == UN_SOFTPLUS) {
            g = v > 20f ? 1f : 1f / (1f + exp(-v));
        }
        return g;
    }

    /** out[i] = dy[i] * activation'(x[i]) for i &lt; n0; code n1, x aOff, dy bOff. Range: n0. */
    void activationGrad() {
        int i = getGlobalId(0);
        if (i < n0) st(oOff + i, ld(bOff + i) * activationSlope(n1, ld(aOff + i)));
    }

    /** Softmax backward for n0 rows of n1: dx = y * (dy - sum(dy * y)); y aOff, dy bOff. Range: n0 * NORM_WG, local NORM_WG. */
    void softmaxGrad() {
        int base = getGroupId(0) * n1;
        int lid = getLocalId(0);
        float s = 0f;
        for (int k = lid; k < n1; k += NORM_WG) s += ld(aOff + base + k) * ld(bOff + base + k);
        s = groupReduce(s, false);
        for (int k = lid; k < n1; k += NORM_WG) {
            float y = ld(aOff + base + k);
            st(oOff + base + k, y * (ld(bOff + base + k) - s));
        }
    }

    /**
     * LayerNorm (n2 = NORM_LAYER) or RMSNorm (NORM_RMS) backward for row {@code getGroupId(0)} of n1 (n0 rows): with
     * xhat the normalised row, rstd its 1/sigma and g = dy * weight, dx = rstd * (g - mean(g) - xhat * mean(g * xhat))
     * (RMSNorm: no mean(g) term). x aOff, weight bOff (or -1), dy cOff, eps f0, dx oOff; the row's mean and rstd go to
     * stats dOff + 2 * row (or -1) for {@link #normParamGrad}. Statistics as the forward (two passes).
     * Range: n0 * NORM_WG, local NORM_WG.
     */
    void normGrad() {
        int row = getGroupId(0);
        int lid = getLocalId(0);
        int len = n1;
        int base = row * len;
        boolean layer = n2 != NORM_RMS;
        float mean = 0f;
        if (layer) {
            float s = 0f;
            for (int k = lid; k < len; k += NORM_WG) s += ld(aOff + base + k);
            mean = groupReduce(s, false) / len;
        }
        float ss = 0f;
        for (int k = lid; k < len; k += NORM_WG) {
            float dv = ld(aOff + base + k) - mean;
            ss += dv * dv;
        }
        float rstd = rsqrt(groupReduce(ss, false) / len + f0);
        float sg = 0f;
        float sgx = 0f;
        for (int k = lid; k < len; k += NORM_WG) {
            float g = ld(cOff + base + k) * (bOff >= 0 ? ld(bOff + k) : 1f);
            sg += g;
            sgx += g * (ld(aOff + base + k) - mean) * rstd;
        }
        float meanG = layer ? groupReduce(sg, false) / len : 0f;
        float meanGx = groupReduce(sgx, false) / len;
        for (int k = lid; k < len; k += NORM_WG) {
            float g = ld(cOff + base + k) * (bOff >= 0 ? ld(bOff + k) : 1f);
            float xhat = (ld(aOff + base + k) - mean) * rstd;
            st(oOff + base + k, rstd * (g - meanG - xhat * meanGx));
        }
        if (lid == 0 && dOff >= 0) {
            st(dOff + 2 * row, mean);
            st(dOff + 2 * row + 1, rstd);
        }
    }

    /**
     * Weight and bias gradients of a row norm, one work-item per channel c &lt; n1 summing over the n0 rows in order:
     * dWeight[c] = sum dy * xhat (oOff), dBias[c] = sum dy (eOff, or -1). x aOff, dy cOff, row stats dOff. Range: n1.
     */
    void normParamGrad() {
        int c = getGlobalId(0);
        if (c < n1) {
            float dw = 0f;
            float db = 0f;
            for (int r = 0; r < n0; r++) {
                float dy = ld(cOff + r * n1 + c);
                dw += dy * (ld(aOff + r * n1 + c) - ld(dOff + 2 * r)) * ld(dOff + 2 * r + 1);
                db += dy;
            }
            st(oOff + c, dw);
            if (eOff >= 0) st(eOff + c, db);
        }
    }

    // ---- attention: the three launches share one parameter layout ------------------------------------------------
    // B = n0, H = n1, Lq = n2, Lk = n3, D = n4, n6 = 1 when bias is [B, H, Lq, Lk]; scale f0; q aOff, k bOff, v cOff,
    // keyMask dOff (or -1), bias eOff (or -1); stats hOff: per (b, h, i) the logsumexp and D_i = dO_i . O_i.

    /** Score of query row {@code qRow} (already scaled) with key j, or NO_KEYS when the mask drops j. */
    float attentionScore(int b, int h, int i, int j) {
        float s = NO_KEYS;
        boolean keep = dOff < 0 || ld(dOff + b * n3 + j) != 0f;
        if (keep) {
            s = 0f;
            int kBase = bOff + (b * n3 + j) * n1 * n4 + h * n4;
            for (int c = 0; c < n4; c++) s += qRow[c] * ld(kBase + c);
            if (eOff >= 0) s += ld(eOff + (((n6 == 1 ? b * n1 : 0) + h) * n2 + i) * n3 + j);
        }
        return s;
    }

    /** Loads query row i of (b, h) times the scale into {@code qRow}. */
    void loadScaledQuery(int b, int h, int i) {
        int qBase = aOff + (b * n2 + i) * n1 * n4 + h * n4;
        for (int c = 0; c < n4; c++) qRow[c] = ld(qBase + c) * f0;
    }

    /**
     * First launch, one work-item per (b, h, i): the row's logsumexp over the kept keys (NO_KEYS when none) and
     * D_i = dO_i . O_i, the softmax-backward correction, into stats hOff. out fOff, dOut gOff. Range: B * H * Lq.
     */
    void attentionRowStats() {
        int q = getGlobalId(0);
        if (q < n0 * n1 * n2) {
            int i = q % n2;
            int h = (q / n2) % n1;
            int b = q / (n2 * n1);
            loadScaledQuery(b, h, i);
            float m = NO_KEYS;
            float l = 0f;
            for (int j = 0; j < n3; j++) {
                float s = attentionScore(b, h, i, j);
                if (s > NO_KEYS) {
                    float mNew = max(m, s);
                    l = l * exp(m - mNew) + exp(s - mNew);
                    m = mNew;
                }
            }
            int oBase = (b * n2 + i) * n1 * n4 + h * n4;
            float di = 0f;
            for (int c = 0; c < n4; c++) di += ld(gOff + oBase + c) * ld(fOff + oBase + c);
            st(hOff + 2 * q, l > 0f ? m + log(l) : NO_KEYS);
            st(hOff + 2 * q + 1, di);
        }
    }

    /**
     * dQ, one work-item per (b, h, i) walking the keys: dq_i = scale * sum_j P_ij (dO_i . v_j - D_i) k_j, with P
     * recomputed from the stats. dOut gOff, dq oOff. Range: B * H * Lq.
     */
    void attentionDq() {
        int q = getGlobalId(0);
        if (q < n0 * n1 * n2) {
            int i = q % n2;
            int h = (q / n2) % n1;
            int b = q / (n2 * n1);
            int hd = n1 * n4;
            int rowBase = (b * n2 + i) * hd + h * n4;
            loadScaledQuery(b, h, i);
            for (int c = 0; c < n4; c++) {
                rowA[c] = ld(gOff + rowBase + c);
                accRow[c] = 0f;
            }
            float lse = ld(hOff + 2 * q);
            float di = ld(hOff + 2 * q + 1);
            if (lse > NO_KEYS) {
                for (int j = 0; j < n3; j++) {
                    float s = attentionScore(b, h, i, j);
                    if (s > NO_KEYS) {
                        int kv = (b * n3 + j) * hd + h * n4;
                        float dp = 0f;
                        for (int c = 0; c < n4; c++) dp += rowA[c] * ld(cOff + kv + c);
                        float ds = exp(s - lse) * (dp - di);
                        for (int c = 0; c < n4; c++) accRow[c] += ds * ld(bOff + kv + c);
                    }
                }
            }
            for (int c = 0; c < n4; c++) st(oOff + rowBase + c, accRow[c] * f0);
        }
    }

    /**
     * dK and dV, one work-item per (b, h, j) walking the queries: dv_j = sum_i P_ij dO_i and dk_j = scale * sum_i
     * P_ij (dO_i . v_j - D_i) q_i; zero for a masked key. dOut gOff, dk oOff, dv fOff. Range: B * H * Lk.
     */
    void attentionDkv() {
        int q = getGlobalId(0);
        if (q < n0 * n1 * n3) {
            int j = q % n3;
            int h = (q / n3) % n1;
            int b = q / (n3 * n1);
            int hd = n1 * n4;
            int kv = (b * n3 + j) * hd + h * n4;
            for (int c = 0; c < n4; c++) {
                rowA[c] = ld(cOff + kv + c);
                accRow[c] = 0f;
                rowB[c] = 0f;
            }
            boolean keep = dOff < 0 || ld(dOff + b * n3 + j) != 0f;
            if (keep) {
                for (int i = 0; i < n2; i++) {
                    int stat = 2 * ((b * n1 + h) * n2 + i);
                    float lse = ld(hOff + stat);
                    if (lse > NO_KEYS) {
                        loadScaledQuery(b, h, i);
                        float s = attentionScore(b, h, i, j);
                        float p = exp(s - lse);
                        int rowBase = (b * n2 + i) * hd + h * n4;
                        float dp = 0f;
                        for (int c = 0; c < n4; c++) {
                            float g = ld(gOff + rowBase + c);
                            dp += g * rowA[c];
                            rowB[c] += p * g;
                        }
                        float ds = p * (dp - ld(hOff + stat + 1));
                        for (int c = 0; c < n4; c++) accRow[c] += ds * qRow[c];
                    }
                }
            }
            for (int c = 0; c < n4; c++) {
                st(oOff + kv + c, accRow[c]);
                st(fOff + kv + c, rowB[c]);
            }
        }
    }
}
