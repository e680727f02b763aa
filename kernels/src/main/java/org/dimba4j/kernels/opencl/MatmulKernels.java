package org.dimba4j.kernels.opencl;

/**
 * Batched matmul, tiled through local memory and register-blocked: a 16 x 16 work-group computes a 64 x 64 block of
 * C, each work-item a 4 x 4 grid of it (rows ly + 16 i, columns lx + 16 j, so neighbouring work-items touch
 * neighbouring addresses). Per step along K, the group stages a 64 x 16 block of A and a 16 x 64 block of B in local
 * memory between two barriers; each staged value is then reused 4 times from registers.
 */
abstract class MatmulKernels extends NormKernels {
    /** Work-group edge (16 x 16 work-items). */
    static final int TILE = 16;
    /** Edge of the C block one work-group computes. */
    static final int BLOCK = 64;
    /** K step staged per barrier pair. */
    static final int KSTEP = 16;

    @Local float[] tileA = new float[KSTEP * BLOCK];
    @Local float[] tileB = new float[KSTEP * BLOCK];

    /** A(row, k) of batch base {@code base}, or 0 outside [M, K]. M = n0, K = n2, n3 = transA. */
    float loadA(int base, int row, int k) {
        float v = 0f;
        if (row < n0 && k < n2) v = n3 == 1 ? ld(base + k * n0 + row) : ld(base + row * n2 + k);
        return v;
    }

    /** B(k, col) of batch base {@code base}, or 0 outside [K, N]. N = n1, K = n2, n4 = transB. */
    float loadB(int base, int k, int col) {
        float v = 0f;
        if (col < n1 && k < n2) v = n4 == 1 ? ld(base + col * n2 + k) : ld(base + k * n1 + col);
        return v;
    }

    /** Stores C(row, col) (+ bias[col] when cOff >= 0) if inside [M, N]. */
    void storeC(int base, int row, int col, float v) {
        if (row < n0 && col < n1) {
            float b = cOff >= 0 ? ld(cOff + col) : 0f;
            st(base + row * n1 + col, v + b);
        }
    }

    /**
     * C[p] = A[p] B[p] (+ bias[col]): M = n0, N = n1, K = n2; n3 = transA (A stored [K, M]), n4 = transB (B stored
     * [N, K]); batch strides n5 (A), n6 (B, 0 when shared); A at aOff, B at bOff, bias at cOff (or -1), C at oOff.
     * Range: 3-D (ceil(N/64)*16, ceil(M/64)*16, batch), local (16, 16, 1).
     */
    void matmul() {
        int lx = getLocalId(0);
        int ly = getLocalId(1);
        int rowBase = getGroupId(1) * BLOCK;
        int colBase = getGroupId(0) * BLOCK;
        int p = getGlobalId(2);
        int aBase = aOff + p * n5;
        int bBase = bOff + p * n6;
        int lin = ly * TILE + lx;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = 0; k0 < n2; k0 += KSTEP) {
            for (int q = 0; q < 4; q++) {
                int idx = lin + q * TILE * TILE;
                // A block: idx -> (row r = idx / KSTEP, k = idx % KSTEP), stored k-major so reads below are by row
                int r = idx / KSTEP;
                int ka = idx % KSTEP;
                tileA[ka * BLOCK + r] = loadA(aBase, rowBase + r, k0 + ka);
                // B block: idx -> (k = idx / BLOCK, column c = idx % BLOCK)
                int kb = idx / BLOCK;
                int c = idx % BLOCK;
                tileB[kb * BLOCK + c] = loadB(bBase, k0 + kb, colBase + c);
            }
            localBarrier();
            for (int k = 0; k < KSTEP; k++) {
                int ko = k * BLOCK;
                float a0 = tileA[ko + ly];
                float a1 = tileA[ko + ly + 16];
                float a2 = tileA[ko + ly + 32];
                float a3 = tileA[ko + ly + 48];
                float b0 = tileB[ko + lx];
                float b1 = tileB[ko + lx + 16];
                float b2 = tileB[ko + lx + 32];
                float b3 = tileB[ko + lx + 48];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            localBarrier();
        }
        int o = oOff + p * n0 * n1;
        int r0 = rowBase + ly;
        int col0 = colBase + lx;
        storeC(o, r0, col0, c00); storeC(o, r0, col0 + 16, c01); storeC(o, r0, col0 + 32, c02); storeC(o, r0, col0 + 48, c03);
        storeC(o, r0 + 16, col0, c10); storeC(o, r0 + 16, col0 + 16, c11); storeC(o, r0 + 16, col0 + 32, c12); storeC(o, r0 + 16, col0 + 48, c13);
        storeC(o, r0 + 32, col0, c20); storeC(o, r0 + 32, col0 + 16, c21); storeC(o, r0 + 32, col0 + 32, c22); storeC(o, r0 + 32, col0 + 48, c23);
        storeC(o, r0 + 48, col0, c30); storeC(o, r0 + 48, col0 + 16, c31); storeC(o, r0 + 48, col0 + 32, c32); storeC(o, r0 + 48, col0 + 48, c33);
    }
}
