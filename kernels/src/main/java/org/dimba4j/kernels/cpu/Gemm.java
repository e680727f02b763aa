package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * BLIS-style single-precision GEMM: C (+)= A B. B is packed into NR-wide panels per kc-deep slice of k (widened
 * from f16/bf16 there), each thread packs its mc x kc blocks of A into MR-row panels ({@link PackA}), and an
 * MR x NR register-blocked micro-kernel (A broadcast from the packed panel at constant offsets, two B vectors per
 * k) does the flops. A call forks and joins the pool once: each thread owns panels of columns of C over all of k
 * and packs its own B panels, or (when rows balance better) owns rows over all of k and reads one whole packed B
 * (packed first by all threads, one more join, or ahead of time: {@link PackedB}). No barrier per kc slice.
 *
 * <p>With 512-bit vectors MR = 12 (24 accumulators + 2 B vectors + 1 broadcast of AVX-512's 32 registers);
 * with narrower vectors (AVX2: 16 registers) MR = 6. Rows past the last full MR-row tile go through a 6-row
 * kernel when they fit it; partial tiles run into a scratch tile (A is zero-padded by PackA, B by PackB) and are
 * copied back. Every path does the same per-element arithmetic (fma over k in order from zero, then one add
 * to C per kc slice), so results are bit-identical for any thread count, split or tile path.
 *
 * <p>Block sizes and the split are tunable for benchmarks: {@code -Ddimba.gemm.kc/mc},
 * {@code -Ddimba.gemm.split=rows|columns}. The micro-kernels are flat methods of locals on purpose: C2 boxes
 * vectors when a large unrolled loop calls helpers or indexes arrays of vectors (DESIGN.md, JIT pitfalls).
 */
final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = L >= 16 ? 12 : 6;
    static final int NR = 2 * L;
    static final int KC = Math.max(16, Integer.getInteger("dimba.gemm.kc", 256));
    static final int MC = Math.max(1, Integer.getInteger("dimba.gemm.mc", 240) / MR) * MR;
    /** Forces the threads' split for benchmarks: rows, columns or auto (the better-balanced one). */
    private static final String SPLIT = System.getProperty("dimba.gemm.split", "auto");
    /** The largest B (floats) the row split packs whole per call; past it the column split runs (no whole copy). */
    private static final long WHOLE_B_MAX = Long.getLong("dimba.gemm.wholeB", 8L << 20);

    /**
     * Per thread: its packed B panels of one kc slice (column split), or the caller's whole packed B (row split: the
     * pool's threads read it, never write it).
     */
    private static final ThreadLocal<float[][]> SLAB = ThreadLocal.withInitial(() -> new float[1][0]);
    /** Per thread: the packed A block and the scratch C tile of partial tiles. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(
            () -> new float[][] {new float[MC * KC], new float[MR * NR]});

    private Gemm() {}

    /**
     * C[i, j] = (accumulate ? C[i, j] : 0) + sum_q A[i, q] B[q, j] for an m x n x k product. A's element (i, q) is
     * {@code a[aOff + i * aRs + q * aCs]}; C's element (i, j) is {@code c[cOff + i * ldc + j]}.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, MatrixView b,
                     float[] c, int cOff, int ldc, boolean accumulate, boolean parallel) {
        run(m, n, k, a, aOff, aRs, aCs, b, null, c, cOff, ldc, accumulate, parallel);
    }

    /** The same product with B already packed (a cached weight): same blocks, same bits as packing it now. */
    static void gemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, PackedB b,
                     float[] c, int cOff, int ldc, boolean accumulate, boolean parallel) {
        if (b.k() != k || b.n() != n) throw new IllegalArgumentException("packed B is " + b.k() + "x" + b.n() + ", product needs " + k + "x" + n);
        run(m, n, k, a, aOff, aRs, aCs, null, b, c, cOff, ldc, accumulate, parallel);
    }

    private static void run(int m, int n, int k, float[] a, int aOff, int aRs, int aCs, MatrixView b, PackedB packed,
                            float[] c, int cOff, int ldc, boolean accumulate, boolean parallel) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        long work = parallel ? (long) m * n * k : 0;
        int panels = panels(n), rowTiles = (m + MR - 1) / MR;
        // one thread, or too little work: columns (no whole-B pack); a narrow C (one panel: n <= NR) splits by rows
        if (Parallel.chunks(Math.max(panels, rowTiles), 1, work) <= 1 || !splitByRows(rowTiles, panels, packed != null)
                || packed == null && (long) k * panels * NR > WHOLE_B_MAX) {
            // every task owns panels of columns over all of k and packs its own B panels: no barrier, one join per call
            Parallel.forRange(panels, 1, work, (p0, p1) -> columns(m, n, k, p0, p1, a, aOff, aRs, aCs, b, packed, c, cOff, ldc, accumulate));
            return;
        }
        // every task owns rows over all of k, so all of them read all of B: pack it whole first (one join), unless packed already
        float[] slab = packed != null ? packed.data() : packWhole(b, k, n, panels, work);
        Parallel.forRange(m, MR, work, (i0, i1) -> {
            int kcb = kBlock(k);
            for (int pc = 0; pc < k; pc += kcb) {
                int kc = Math.min(kcb, k - pc);
                block(i0, i1, 0, n, kc, a, aOff + pc * aCs, aRs, aCs, slab, pc * panels * NR, 0, c, cOff, ldc, accumulate || pc > 0);
            }
        });
    }

    /** Columns [p0 * NR, min(n, p1 * NR)) of C over all kc slices, packing this task's B panels slice by slice. */
    private static void columns(int m, int n, int k, int p0, int p1, float[] a, int aOff, int aRs, int aCs, MatrixView b,
                                PackedB packed, float[] c, int cOff, int ldc, boolean accumulate) {
        int kcb = kBlock(k), panels = panels(n), j0 = p0 * NR, j1 = Math.min(n, p1 * NR);
        float[] slab = packed != null ? packed.data() : slab(Math.multiplyExact(Math.min(kcb, k), (p1 - p0) * NR));
        for (int pc = 0; pc < k; pc += kcb) {
            int kc = Math.min(kcb, k - pc), slabOff, slabPanel;
            if (packed != null) {
                slabOff = pc * panels * NR;
                slabPanel = 0;
            } else {
                PackB.pack(b, pc, kc, j0, j1 - j0, slab, 0);
                slabOff = 0;
                slabPanel = p0;
            }
            block(0, m, j0, j1, kc, a, aOff + pc * aCs, aRs, aCs, slab, slabOff, slabPanel, c, cOff, ldc, accumulate || pc > 0);
        }
    }

    /** All of B packed in PackedB's layout into the calling thread's slab, the tasks packing disjoint panels. */
    private static float[] packWhole(MatrixView b, int k, int n, int panels, long work) {
        float[] slab = slab(Math.multiplyExact(k, panels * NR));
        int kcb = kBlock(k);
        Parallel.forRange(panels, 1, work, (p0, p1) -> {
            for (int pc = 0; pc < k; pc += kcb) {
                int kc = Math.min(kcb, k - pc);
                PackB.pack(b, pc, kc, p0 * NR, Math.min(n, p1 * NR) - p0 * NR, slab, pc * panels * NR + p0 * kc * NR);
            }
        });
        return slab;
    }

    /** The calling thread's B slab, grown to at least {@code need} floats. */
    private static float[] slab(int need) {
        float[][] holder = SLAB.get();
        if (holder[0].length < need) holder[0] = new float[need];
        return holder[0];
    }

    /** The depth of the kc slices of a k-long product: equal slices at most KC deep (K = 1152 -> 5 x 231, not 4 x 256 + 128). */
    static int kBlock(int k) {
        return balanced(k, KC, 1);
    }

    static int panels(int n) {
        return (n + NR - 1) / NR;
    }

    /**
     * Rows (in MR-row tiles) or column panels, whichever splits into THREADS more equal shares. With a packed B, rows also when they
     * balance within 2% as well: every thread then packs only its rows of A (a column split packs all of A in each
     * thread) and reads the shared B. Otherwise columns on a tie (rows would first pack all of B, one more join).
     */
    private static boolean splitByRows(int rowTiles, int panels, boolean rowsOnTie) {
        int t = Parallel.threads();
        if (t == 1) return true;
        if (SPLIT.equals("rows")) return true;
        if (SPLIT.equals("columns")) return false;
        double rows = rowTiles / (double) (t * ((rowTiles + t - 1) / t)), cols = panels / (double) (t * ((panels + t - 1) / t));
        return rowsOnTie ? rows >= cols - 0.02 : rows > cols;
    }

    /**
     * One thread's share of one kc slice: rows [i0, i1) x columns [j0, j1) of C, j0 a multiple of NR; column panel p
     * of the slice is at {@code slabOff + (p - slabPanel) * kc * NR} in the slab.
     */
    private static void block(int i0, int i1, int j0, int j1, int kc, float[] a, int aBlock, int aRs, int aCs,
                              float[] slab, int slabOff, int slabPanel, float[] c, int cOff, int ldc, boolean add) {
        float[][] buf = BUFFERS.get();
        if (buf[0].length < MC * kc) buf[0] = new float[MC * kc];
        float[] ap = buf[0], tile = buf[1];
        int mcb = balanced(i1 - i0, MC, MR);
        for (int ic = i0; ic < i1; ic += mcb) {
            int mc = Math.min(mcb, i1 - ic);
            PackA.pack(a, aBlock + ic * aRs, aRs, aCs, mc, kc, ap);
            for (int jr = j0; jr < j1; jr += NR) {
                int cols = Math.min(NR, j1 - jr), bo = slabOff + (jr / NR - slabPanel) * kc * NR;
                for (int ir = 0; ir < mc; ir += MR) {
                    int rows = Math.min(MR, mc - ir), ao = (ir / MR) * kc * MR, cBase = cOff + (ic + ir) * ldc + jr;
                    if (cols == NR && rows == MR) {
                        if (MR == 12) kernel12(kc, ap, ao, slab, bo, c, cBase, ldc, add);
                        else kernel6(kc, ap, ao, slab, bo, c, cBase, ldc, add);
                    } else if (cols == NR && rows == 6) {
                        kernel6(kc, ap, ao, slab, bo, c, cBase, ldc, add);
                    } else {
                        if (rows <= 6) kernel6(kc, ap, ao, slab, bo, tile, 0, NR, false);
                        else kernel12(kc, ap, ao, slab, bo, tile, 0, NR, false);
                        for (int r = 0; r < rows; r++) {
                            int co = cBase + r * ldc;
                            for (int j = 0; j < cols; j++) c[co + j] = add ? c[co + j] + tile[r * NR + j] : tile[r * NR + j];
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

    /**
     * The 12 x NR micro-kernel: C tile (+)= Apanel[kc x 12] * Bpanel[kc x NR]. Locals only, constant A offsets,
     * no helper calls: C2 keeps the 24 accumulators in registers. (Only called when MR == 12.)
     */
    static void kernel12(int kc, float[] a, int aOff, float[] bp, int bOff, float[] c, int cBase, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S), c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector ca0 = FloatVector.zero(S), ca1 = FloatVector.zero(S), cb0 = FloatVector.zero(S), cb1 = FloatVector.zero(S);
        final int l = L, nr = NR;
        if (aOff < 0 || bOff < 0 || aOff + 12 * kc > a.length || bOff + nr * kc > bp.length) throw new IndexOutOfBoundsException();
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * nr, ao = aOff + p * 12;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo), b1 = FloatVector.fromArray(S, bp, bo + l);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ao + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ao + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ao + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ao + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ao + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[ao + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[ao + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            av = FloatVector.broadcast(S, a[ao + 8]);
            c80 = av.fma(b0, c80);
            c81 = av.fma(b1, c81);
            av = FloatVector.broadcast(S, a[ao + 9]);
            c90 = av.fma(b0, c90);
            c91 = av.fma(b1, c91);
            av = FloatVector.broadcast(S, a[ao + 10]);
            ca0 = av.fma(b0, ca0);
            ca1 = av.fma(b1, ca1);
            av = FloatVector.broadcast(S, a[ao + 11]);
            cb0 = av.fma(b0, cb0);
            cb1 = av.fma(b1, cb1);
        }
        int r0 = cBase, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        int r6 = r5 + ldc, r7 = r6 + ldc, r8 = r7 + ldc, r9 = r8 + ldc, ra = r9 + ldc, rb = ra + ldc;
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
            c60 = c60.add(FloatVector.fromArray(S, c, r6));
            c61 = c61.add(FloatVector.fromArray(S, c, r6 + l));
            c70 = c70.add(FloatVector.fromArray(S, c, r7));
            c71 = c71.add(FloatVector.fromArray(S, c, r7 + l));
            c80 = c80.add(FloatVector.fromArray(S, c, r8));
            c81 = c81.add(FloatVector.fromArray(S, c, r8 + l));
            c90 = c90.add(FloatVector.fromArray(S, c, r9));
            c91 = c91.add(FloatVector.fromArray(S, c, r9 + l));
            ca0 = ca0.add(FloatVector.fromArray(S, c, ra));
            ca1 = ca1.add(FloatVector.fromArray(S, c, ra + l));
            cb0 = cb0.add(FloatVector.fromArray(S, c, rb));
            cb1 = cb1.add(FloatVector.fromArray(S, c, rb + l));
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
        c60.intoArray(c, r6);
        c61.intoArray(c, r6 + l);
        c70.intoArray(c, r7);
        c71.intoArray(c, r7 + l);
        c80.intoArray(c, r8);
        c81.intoArray(c, r8 + l);
        c90.intoArray(c, r9);
        c91.intoArray(c, r9 + l);
        ca0.intoArray(c, ra);
        ca1.intoArray(c, ra + l);
        cb0.intoArray(c, rb);
        cb1.intoArray(c, rb + l);
    }

    /** The 6 x NR micro-kernel over the first 6 rows of an MR-row A panel (the main kernel when MR == 6). */
    static void kernel6(int kc, float[] a, int aOff, float[] bp, int bOff, float[] c, int cBase, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        final int l = L, nr = NR, mr = MR;
        if (aOff < 0 || bOff < 0 || aOff + mr * kc > a.length || bOff + nr * kc > bp.length) throw new IndexOutOfBoundsException();
        for (int p = 0; p < kc; p++) {
            int bo = bOff + p * nr, ao = aOff + p * mr;
            FloatVector b0 = FloatVector.fromArray(S, bp, bo), b1 = FloatVector.fromArray(S, bp, bo + l);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ao + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ao + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ao + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ao + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ao + 5]);
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
