package org.dimba4j.kernels.cpu;

/**
 * A k x n right GEMM operand packed ahead of time, in exactly the layout {@link Gemm} packs per call: for each
 * kc slice of k ({@link Gemm#kBlock}), ceil(n / NR) panels of kc x NR floats, zero-padded past column n. Using it
 * gives the same bits as packing on the fly. Costs 4 bytes per element of k x roundUp(n, NR), on the heap.
 */
record PackedB(float[] data, int k, int n) {

    /** Packs all of b (k x n), on the pool when parallel. */
    static PackedB of(MatrixView b, int k, int n, boolean parallel) {
        int kcb = Gemm.kBlock(k), panels = Gemm.panels(n), nr = Gemm.NR;
        float[] data = new float[Math.multiplyExact(k, Math.multiplyExact(panels, nr))];
        for (int pc = 0; pc < k; pc += kcb) {
            int kc = Math.min(kcb, k - pc), k0 = pc, off = pc * panels * nr;
            Parallel.forRange(panels, 1, parallel ? (long) k * n * 64 : 0, (p0, p1) ->
                    PackB.pack(b, k0, kc, p0 * nr, Math.min(n, p1 * nr) - p0 * nr, data, off + p0 * kc * nr));
        }
        return new PackedB(data, k, n);
    }

    long bytes() {
        return 4L * data.length;
    }
}
