package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * BLIS-style single-precision GEMM: C (+)= A B. B is packed in kc x nc blocks into NR-wide panels (widened
 * from f16/bf16 there), A is read in place through strides (so transposed A costs nothing), and a 6 x NR
 * register-blocked micro-kernel (12 vector accumulators, A broadcast, two B vectors per k) does the flops.
 * Work is split over the pool by columns (or rows when C is narrow).
 *
 * <p>Block sizes are tunable for benchmarks: {@code -Ddimba.gemm.kc/mc/nc}. The micro-kernel is one flat
 * method on purpose: C2 boxes vectors when a large unrolled loop calls helpers (DESIGN.md, JIT pitfalls).
 */
final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    static final int KC = Math.max(16, Integer.getInteger("dimba.gemm.kc", 512));
    static final int MC = Math.max(1, Integer.getInteger("dimba.gemm.mc", 192) / MR) * MR;
    static final int NC = Math.max(1, Integer.getInteger("dimba.gemm.nc", 2048) / NR) * NR;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(
            () -> new float[][] {new float[KC * NC], new float[MR * KC], new float[MR * NR]});

    private Gemm() {}

    /**
     * C[i, j] = (accumulate ? C[i, j] : 0) + sum_q A[i, q] B[q, j] for an m x n x k product. A's element (i, q) is
     * {@code a[aOff + i * aRs + q * aCs]}; C's element (i, j) is {@code c[cOff + i * ldc + j]}.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, MatrixView b,
                     float[] c, int cOff, int ldc, boolean accumulate, boolean parallel) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        long work = parallel ? (long) m * n * k : 0;
        if (n >= 2 * Parallel.threads() * NR || m < 2 * MR) {
            Parallel.forRange(n, NR, work, (j0, j1) -> block(0, m, j0, j1, k, a, aOff, aRs, aCs, b, c, cOff, ldc, accumulate));
        } else {
            Parallel.forRange(m, MR, work, (i0, i1) -> block(i0, i1, 0, n, k, a, aOff, aRs, aCs, b, c, cOff, ldc, accumulate));
        }
    }

    /** One thread's share: rows [i0, i1) x columns [j0, j1) of C. */
    private static void block(int i0, int i1, int j0, int j1, int k, float[] a, int aOff, int aRs, int aCs, MatrixView b,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        float[][] buf = BUFFERS.get();
        float[] bp = buf[0], tileA = buf[1], tileC = buf[2];
        // equal blocks rather than full ones plus a thin remainder (K = 1152 -> 3 x 384, not 512 + 512 + 128)
        int kcb = balanced(k, KC, 1), ncb = balanced(j1 - j0, NC, NR), mcb = balanced(i1 - i0, MC, MR);
        for (int jc = j0; jc < j1; jc += ncb) {
            int nc = Math.min(ncb, j1 - jc);
            for (int pc = 0; pc < k; pc += kcb) {
                int kc = Math.min(kcb, k - pc);
                PackB.pack(b, pc, kc, jc, nc, bp);
                boolean add = accumulate || pc > 0;
                for (int ic = i0; ic < i1; ic += mcb) {
                    int mc = Math.min(mcb, i1 - ic);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr), panel = (jr / NR) * kc * NR;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir), i = ic + ir;
                            int aBase = aOff + i * aRs + pc * aCs, cBase = cOff + i * ldc + jc + jr;
                            if (rows == MR && cols == NR) {
                                kernel(kc, a, aBase, aRs, aCs, bp, panel, c, cBase, ldc, add);
                            } else {
                                edge(rows, cols, kc, a, aBase, aRs, aCs, bp, panel, c, cBase, ldc, add, tileA, tileC);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The size of ceil(n / max) equal blocks, rounded up to a multiple of unit and at most max. */
    private static int balanced(int n, int max, int unit) {
        int blocks = Math.max(1, (n + max - 1) / max);
        int size = (n + blocks - 1) / blocks;
        return Math.min(max, (size + unit - 1) / unit * unit);
    }

    /** A partial tile: copy the valid rows of A into a zero-padded MR x kc tile, run the kernel into a scratch C, copy back. */
    private static void edge(int rows, int cols, int kc, float[] a, int aBase, int aRs, int aCs, float[] bp, int panel,
                             float[] c, int cBase, int ldc, boolean add, float[] tileA, float[] tileC) {
        for (int r = 0; r < MR; r++) {
            for (int p = 0; p < kc; p++) tileA[r * kc + p] = r < rows ? a[aBase + r * aRs + p * aCs] : 0f;
        }
        kernel(kc, tileA, 0, kc, 1, bp, panel, tileC, 0, NR, false);
        for (int r = 0; r < rows; r++) {
            int co = cBase + r * ldc;
            for (int j = 0; j < cols; j++) c[co + j] = add ? c[co + j] + tileC[r * NR + j] : tileC[r * NR + j];
        }
    }

    /** The 6 x NR micro-kernel: C tile (+)= A[6 x kc] * Bpanel[kc x NR]. Kept flat: no helper calls inside. */
    static void kernel(int kc, float[] a, int aBase, int aRs, int aCs, float[] bp, int bOff, float[] c, int cBase, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int a0 = aBase, a1 = aBase + aRs, a2 = a1 + aRs, a3 = a2 + aRs, a4 = a3 + aRs, a5 = a4 + aRs;
        int l = L, nr = NR;
        for (int p = 0, bo = bOff, ao = 0; p < kc; p++, bo += nr, ao += aCs) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo), b1 = FloatVector.fromArray(S, bp, bo + l);
            FloatVector av = FloatVector.broadcast(S, a[a0 + ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + ao]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + ao]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + ao]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + ao]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + ao]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        int r0 = cBase, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (add) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0));
            c01 = c01.add(FloatVector.fromArray(S, c, r0 + l));
            c10 = c10.add(FloatVector.fromArray(S, c, r1));
            c11 = c11.add(FloatVector.fromArray(S, c, r1 + l));
            c20 = c20.add(FloatVector.fromArray(S, c, r2));
            c21 = c21.add(FloatVector.fromArray(S, c, r2 + l));
            c30 = c30.add(FloatVector.fromArray(S, c, r3));
            c31 = c31.add(FloatVector.fromArray(S, c, r3 + l));
            c40 = c40.add(FloatVector.fromArray(S, c, r4));
            c41 = c41.add(FloatVector.fromArray(S, c, r4 + l));
            c50 = c50.add(FloatVector.fromArray(S, c, r5));
            c51 = c51.add(FloatVector.fromArray(S, c, r5 + l));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + l);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + l);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + l);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + l);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + l);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + l);
    }
}
