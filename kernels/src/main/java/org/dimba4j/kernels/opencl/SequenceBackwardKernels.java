package org.dimba4j.kernels.opencl;

/**
 * Backward kernels of the selective scan, the convolutions and the embedding. Every sum over a dimension that several
 * work-items would share (batch, channels, positions) is either walked in order by one work-item or written as
 * partials and reduced by {@link ElementwiseKernels#reduce} in a second launch: no atomics, so results are
 * deterministic.
 */
abstract class SequenceBackwardKernels extends BackwardKernels {
    static final int OP_SCAN_GRAD = 27, OP_CONV1D_GRAD_X = 28, OP_CONV1D_GRAD_W = 29, OP_CONV2D_GRAD_X = 30,
            OP_CONV2D_GRAD_W = 31, OP_EMBEDDING_GRAD = 32;

    /** The scan backward's extra operands (its forward already uses aOff..hOff); -1 where absent. */
    int dOutOff, dDeltaOff, dzOff, statesOff, dBPartOff, dAPartOff, dDPartOff, dDeltaBiasPartOff;
    /** Batch size N of the conv2d weight gradient (n0..n14 are taken by the forward's sizes). */
    int convBatch;

    /** Gradient of A's row, accumulated over time. */
    @PrivateMemorySpace(MAX_STATE) float[] dARow = new float[MAX_STATE];

    /**
     * Selective-scan backward, one work-item per (batch b, channel e). Forward operands and sizes as
     * {@link SequenceKernels#scan}; dOut dOutOff. First it re-runs the forward recurrence, storing h_t into
     * statesOff [B, L, E, N]; then it walks time backwards with dh (the gradient of h_t) in private memory:
     * dh_t = dy_t C_t + exp(dt_{t+1} A) dh_{t+1}. Per element it writes du (oOff), dDelta (dDeltaOff, through the
     * softplus) and dz (dzOff, when z is given). Shared sums go out as partials: dy_t h_t over statesOff (each
     * h_t is dead once step t is done), dh_t dt_t u_t into dBPartOff [B, L, E, N] (both summed over E later), and per
     * (b, e) dA [N] (dAPartOff), dD (dDPartOff) and dDeltaBias (dDeltaBiasPartOff), summed over B later.
     * Range: B * E work-items.
     */
    void scanGrad() {
        int q = getGlobalId(0);
        if (q < n0 * n2) {
            int b = q / n2;
            int ch = q % n2;
            int nState = n3;
            int en = n2 * nState;
            for (int s = 0; s < nState; s++) {
                state[s] = 0f;
                dARow[s] = 0f;
                aRow[s] = ld(cOff + ch * nState + s);
            }
            float dSkip = fOff >= 0 ? ld(fOff + ch) : 0f;
            float dtBias = hOff >= 0 ? ld(hOff + ch) : 0f;
            for (int t = 0; t < n1; t++) {
                int idx = (b * n1 + t) * n2 + ch;
                int bc = (b * n1 + t) * nState;
                float dt = ld(bOff + idx) + dtBias;
                if (n4 == 1) dt = dt > 20f ? dt : log(1f + exp(dt));
                float dtu = dt * ld(aOff + idx);
                for (int s = 0; s < nState; s++) {
                    float hs = exp(dt * aRow[s]) * state[s] + dtu * ld(dOff + bc + s);
                    state[s] = hs;
                    st(statesOff + idx * nState + s, hs);
                }
            }
            for (int s = 0; s < nState; s++) state[s] = 0f; // from here on: dh
            float dDAcc = 0f;
            float dDeltaBiasAcc = 0f;
            for (int t = n1 - 1; t >= 0; t--) {
                int idx = (b * n1 + t) * n2 + ch;
                int bc = (b * n1 + t) * nState;
                int hBase = statesOff + idx * nState;
                float raw = ld(bOff + idx) + dtBias;
                float dt = raw;
                if (n4 == 1) dt = raw > 20f ? raw : log(1f + exp(raw));
                float u = ld(aOff + idx);
                float g = ld(dOutOff + idx);
                float dy = g;
                if (gOff >= 0) {
                    float y = dSkip * u;
                    for (int s = 0; s < nState; s++) y += ld(hBase + s) * ld(eOff + bc + s);
                    float zv = ld(gOff + idx);
                    float sig = 1f / (1f + exp(-zv));
                    st(dzOff + idx, g * y * sig * (1f + zv * (1f - sig)));
                    dy = g * zv * sig;
                }
                dDAcc += dy * u;
                float du = dy * dSkip;
                float ddt = 0f;
                for (int s = 0; s < nState; s++) {
                    float ht = ld(hBase + s);
                    float hPrev = t > 0 ? ld(hBase - en + s) : 0f;
                    float dh = state[s] + dy * ld(eOff + bc + s);
                    float decay = exp(dt * aRow[s]);
                    float bs = ld(dOff + bc + s);
                    st(hBase + s, dy * ht);
                    st(dBPartOff + idx * nState + s, dh * dt * u);
                    du += dh * dt * bs;
                    ddt += dh * (aRow[s] * decay * hPrev + u * bs);
                    dARow[s] += dh * dt * decay * hPrev;
                    state[s] = dh * decay;
                }
                st(oOff + idx, du);
                float dDelta = ddt;
                if (n4 == 1 && raw <= 20f) dDelta = ddt / (1f + exp(-raw));
                st(dDeltaOff + idx, dDelta);
                dDeltaBiasAcc += dDelta;
            }
            for (int s = 0; s < nState; s++) st(dAPartOff + q * nState + s, dARow[s]);
            if (dDPartOff >= 0) st(dDPartOff + q, dDAcc);
            if (dDeltaBiasPartOff >= 0) st(dDeltaBiasPartOff + q, dDeltaBiasAcc);
        }
    }

    /**
     * Causal conv1d backward for x: dx[b, s, c] = sum_k w[c, k] dy[b, s + K - 1 - k, c] over taps inside the
     * sequence. [B, L(n1), C(n2)], K = n3 taps, w bOff, dy cOff; n0 = B*L*C. Range: n0.
     */
    void conv1dGradX() {
        int i = getGlobalId(0);
        if (i < n0) {
            int ch = i % n2;
            int t = (i / n2) % n1;
            float s = 0f;
            for (int k = 0; k < n3; k++) {
                int tt = t + n3 - 1 - k;
                if (tt < n1) s += ld(bOff + ch * n3 + k) * ld(cOff + i + (tt - t) * n2);
            }
            st(oOff + i, s);
        }
    }

    /**
     * Causal conv1d backward for the weights, one work-item per (c, k) with k &lt;= K, summing over B (n4) and L (n1)
     * in order: k &lt; K gives dW[c, k] = sum dy[b, t, c] x[b, t - K + 1 + k, c] (oOff), k = K gives dBias[c] =
     * sum dy (dOff, or -1: then those work-items idle). x aOff, dy cOff, L = n1, C = n2, K = n3, B = n4;
     * n0 = C * (K + 1). Range: n0.
     */
    void conv1dGradW() {
        int i = getGlobalId(0);
        if (i < n0) {
            int ch = i / (n3 + 1);
            int k = i % (n3 + 1);
            float s = 0f;
            int batches = k < n3 || dOff >= 0 ? n4 : 0;
            for (int b = 0; b < batches; b++) {
                for (int t = 0; t < n1; t++) {
                    int tt = t - n3 + 1 + k;
                    int at = (b * n1 + t) * n2 + ch;
                    if (k == n3) {
                        s += ld(cOff + at);
                    } else if (tt >= 0) {
                        s += ld(cOff + at) * ld(aOff + at + (tt - t) * n2);
                    }
                }
            }
            if (k == n3) {
                if (dOff >= 0) st(dOff + ch, s);
            } else {
                st(oOff + ch * n3 + k, s);
            }
        }
    }

    /**
     * Conv2d backward for x, one work-item per input element (n, ci, y, x): the sum over output positions whose
     * window covers it, dy[n, oc, oy, ox] w[oc, ci - g*Cg, u, v] with oy*sh - ph + u = y (and likewise for x), oc in
     * ci's group. Sizes as {@link SequenceKernels#conv2d}; weight bOff, dy cOff; n0 = N*C*H*W. Range: n0.
     */
    void conv2dGradX() {
        int i = getGlobalId(0);
        if (i < n0) {
            int xx = i % n3;
            int yy = (i / n3) % n2;
            int ci = (i / (n3 * n2)) % n1;
            int b = i / (n3 * n2 * n1);
            int g = ci / n5;
            int icg = ci % n5;
            float s = 0f;
            for (int oc = g * n14; oc < (g + 1) * n14; oc++) {
                int dyBase = cOff + (b * n4 + oc) * n8 * n9;
                int wBase = bOff + (oc * n5 + icg) * n6 * n7;
                for (int u = 0; u < n6; u++) {
                    int ry = yy + n12 - u;
                    int oy = ry / n10;
                    if (ry >= 0 && oy * n10 == ry && oy < n8) {
                        for (int v = 0; v < n7; v++) {
                            int rx = xx + n13 - v;
                            int ox = rx / n11;
                            if (rx >= 0 && ox * n11 == rx && ox < n9) s += ld(dyBase + oy * n9 + ox) * ld(wBase + u * n7 + v);
                        }
                    }
                }
            }
            st(oOff + i, s);
        }
    }

    /**
     * Conv2d backward for the weights, one work-item per weight element (oc, icg, u, v) summing dy * x over N
     * ({@link #convBatch}), Ho, Wo in order (oOff); the O work-items after the weight elements give dBias[oc] = sum dy
     * (dOff; launched only when wanted). Other sizes as {@link SequenceKernels#conv2d}; x aOff, dy cOff; n0 = the
     * work-item count. Range: n0.
     */
    void conv2dGradW() {
        int i = getGlobalId(0);
        int weights = n4 * n5 * n6 * n7;
        if (i < n0) {
            float s = 0f;
            if (i < weights) {
                int v = i % n7;
                int u = (i / n7) % n6;
                int icg = (i / (n7 * n6)) % n5;
                int oc = i / (n7 * n6 * n5);
                int ci = (oc / n14) * n5 + icg;
                for (int b = 0; b < convBatch; b++) {
                    int dyBase = cOff + (b * n4 + oc) * n8 * n9;
                    int xBase = aOff + (b * n1 + ci) * n2 * n3;
                    for (int oy = 0; oy < n8; oy++) {
                        int yy = oy * n10 - n12 + u;
                        if (yy >= 0 && yy < n2) {
                            for (int ox = 0; ox < n9; ox++) {
                                int xx = ox * n11 - n13 + v;
                                if (xx >= 0 && xx < n3) s += ld(dyBase + oy * n9 + ox) * ld(xBase + yy * n3 + xx);
                            }
                        }
                    }
                }
                st(oOff + i, s);
            } else {
                int oc = i - weights;
                for (int b = 0; b < convBatch; b++) {
                    int dyBase = cOff + (b * n4 + oc) * n8 * n9;
                    for (int p = 0; p < n8 * n9; p++) s += ld(dyBase + p);
                }
                st(dOff + oc, s);
            }
        }
    }

    /**
     * Embedding backward, one work-item per (row r, column d) of the [rows, D(n1)] result: the sum of dOut rows (bOff)
     * at the positions whose id is r, listed in ascending order by the host: index aOff holds rows + 1 start offsets
     * into the position list that follows them at aOff + n2 (n2 = rows + 1; all exact floats). n0 = rows * D. Range: n0.
     */
    void embeddingGrad() {
        int i = getGlobalId(0);
        if (i < n0) {
            int r = i / n1;
            int d = i % n1;
            int first = (int) ld(aOff + r);
            int end = (int) ld(aOff + r + 1);
            int positions = aOff + n2;
            float s = 0f;
            for (int p = first; p < end; p++) s += ld(bOff + (int) ld(positions + p) * n1 + d);
            st(oOff + i, s);
        }
    }
}
