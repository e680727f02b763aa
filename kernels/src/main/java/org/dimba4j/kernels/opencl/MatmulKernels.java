package org.dimba4j.kernels.opencl;

/**
 * Batched matmul tiled through local memory: each work-group computes a TILE x TILE block of C, staging a TILE x TILE
 * block of A and of B per step along K, separated by barriers.
 */
abstract class MatmulKernels extends ElementwiseKernels {
    /** Tile edge; the work-group is TILE x TILE x 1. */
    static final int TILE = 16;

    @Local float[] tileA = new float[TILE * TILE];
    @Local float[] tileB = new float[TILE * TILE];

    /**
     * C[p] = A[p] B[p] (+ bias[col]): M = n0, N = n1, K = n2; n3 = transA (A stored [K, M]), n4 = transB (B stored
     * [N, K]); batch strides n5 (A), n6 (B, 0 when shared); A at aOff, B at bOff, bias at cOff (or -1), C at oOff.
     * Range: 3-D (ceil(N/TILE)*TILE, ceil(M/TILE)*TILE, batch), local (TILE, TILE, 1).
     */
    void matmul() {
        int col = getGlobalId(0);
        int row = getGlobalId(1);
        int p = getGlobalId(2);
        int lx = getLocalId(0);
        int ly = getLocalId(1);
        int aBase = aOff + p * n5;
        int bBase = bOff + p * n6;
        float acc = 0f;
        for (int t0 = 0; t0 < n2; t0 += TILE) {
            int ka = t0 + lx;
            float av = 0f;
            if (row < n0 && ka < n2) {
                av = n3 == 1 ? mem[aBase + ka * n0 + row] : mem[aBase + row * n2 + ka];
            }
            tileA[ly * TILE + lx] = av;
            int kb = t0 + ly;
            float bv = 0f;
            if (col < n1 && kb < n2) {
                bv = n4 == 1 ? mem[bBase + col * n2 + kb] : mem[bBase + kb * n1 + col];
            }
            tileB[ly * TILE + lx] = bv;
            localBarrier();
            for (int k = 0; k < TILE; k++) acc += tileA[ly * TILE + k] * tileB[k * TILE + lx];
            localBarrier();
        }
        if (row < n0 && col < n1) {
            if (cOff >= 0) acc += mem[cOff + col];
            mem[oOff + p * n0 * n1 + row * n1 + col] = acc;
        }
    }
}
