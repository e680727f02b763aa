package org.dimba4j.kernels.opencl;

/** The Mamba selective scan, the depthwise causal conv1d, and direct conv2d. */
abstract class SequenceKernels extends AttentionKernels {
    /** Largest SSM state size (Mamba uses 16); the state lives in private memory. */
    static final int MAX_STATE = 64;

    @PrivateMemorySpace(MAX_STATE) float[] state = new float[MAX_STATE];
    @PrivateMemorySpace(MAX_STATE) float[] aRow = new float[MAX_STATE];

    /**
     * Selective scan, one work-item per (batch, channel) walking the sequence with its state h[N] in private memory.
     * B = n0, L = n1, E = n2, N = n3, n4 = 1 for softplus(dt); u aOff, delta bOff, A [E, N] cOff, B [B, L, N] dOff,
     * C [B, L, N] eOff, D [E] fOff (or -1), z gOff (or -1), deltaBias hOff (or -1), out oOff.
     * Range: n0 * n2 work-items (any local size).
     */
    void scan() {
        int q = getGlobalId(0);
        if (q < n0 * n2) {
            int b = q / n2;
            int ch = q % n2;
            int nState = n3;
            for (int s = 0; s < nState; s++) {
                state[s] = 0f;
                aRow[s] = ld(cOff + ch * nState + s);
            }
            float dSkip = fOff >= 0 ? ld(fOff + ch) : 0f;
            float dtBias = hOff >= 0 ? ld(hOff + ch) : 0f;
            for (int t = 0; t < n1; t++) {
                int idx = (b * n1 + t) * n2 + ch;
                int bc = (b * n1 + t) * nState;
                float dt = ld(bOff + idx) + dtBias;
                if (n4 == 1) dt = dt > 20f ? dt : log(1f + exp(dt));
                float u = ld(aOff + idx);
                float dtu = dt * u;
                float y = 0f;
                for (int s = 0; s < nState; s++) {
                    float hs = exp(dt * aRow[s]) * state[s] + dtu * ld(dOff + bc + s);
                    state[s] = hs;
                    y += hs * ld(eOff + bc + s);
                }
                y += dSkip * u;
                if (gOff >= 0) {
                    float zv = ld(gOff + idx);
                    y = y * (zv / (1f + exp(-zv)));
                }
                st(oOff + idx, y);
            }
        }
    }

    /**
     * Depthwise causal conv1d over [B, L(n1), C(n2)] with K = n3 taps: out[b,t,c] = bias[c] + sum_k w[c,k]
     * x[b, t-K+1+k, c]; x aOff, w bOff, bias cOff (or -1); n0 = B*L*C. Range: n0.
     */
    void conv1d() {
        int i = getGlobalId(0);
        if (i < n0) {
            int ch = i % n2;
            int t = (i / n2) % n1;
            float s = cOff >= 0 ? ld(cOff + ch) : 0f;
            for (int k = 0; k < n3; k++) {
                int tt = t - n3 + 1 + k;
                if (tt >= 0) s += ld(bOff + ch * n3 + k) * ld(aOff + i + (tt - t) * n2);
            }
            st(oOff + i, s);
        }
    }

    /**
     * Direct conv2d, one work-item per output element: x [N, C(n1), H(n2), W(n3)] aOff, weight [O(n4), Cg(n5), kh(n6),
     * kw(n7)] bOff, bias cOff (or -1); output [N, O, Ho(n8), Wo(n9)]; strides n10/n11, padding n12/n13, O per group
     * n14; n0 = N*O*Ho*Wo. Range: n0.
     */
    void conv2d() {
        int i = getGlobalId(0);
        if (i < n0) {
            int ox = i % n9;
            int oy = (i / n9) % n8;
            int oc = (i / (n9 * n8)) % n4;
            int b = i / (n9 * n8 * n4);
            int g = oc / n14;
            float s = cOff >= 0 ? ld(cOff + oc) : 0f;
            for (int ic = 0; ic < n5; ic++) {
                int xBase = aOff + (b * n1 + g * n5 + ic) * n2 * n3;
                int wBase = bOff + (oc * n5 + ic) * n6 * n7;
                for (int u = 0; u < n6; u++) {
                    int yy = oy * n10 - n12 + u;
                    if (yy >= 0 && yy < n2) {
                        for (int v = 0; v < n7; v++) {
                            int xx = ox * n11 - n13 + v;
                            if (xx >= 0 && xx < n3) s += ld(xBase + yy * n3 + xx) * ld(wBase + u * n7 + v);
                        }
                    }
                }
            }
            st(oOff + i, s);
        }
    }
}
