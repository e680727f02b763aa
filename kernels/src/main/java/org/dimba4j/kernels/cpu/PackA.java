package org.dimba4j.kernels.cpu;

/**
 * Packs an mc x kc block of the left GEMM operand into panels of {@link Gemm#MR} rows: panel t holds, for each k,
 * the MR values A[t*MR + r, k] side by side (rows past mc are zero), so the micro-kernel broadcasts them from
 * constant offsets of one contiguous stream instead of MR strided rows. Any strides: a transposed A packs the same.
 */
final class PackA {
    private PackA() {}

    /** A's element (i, q) of the block is {@code a[base + i * rs + q * cs]}; dst gets ceil(mc / MR) panels of kc * MR floats. */
    static void pack(float[] a, int base, int rs, int cs, int mc, int kc, float[] dst) {
        final int mr = Gemm.MR;
        for (int ir = 0; ir < mc; ir += mr) {
            int rows = Math.min(mr, mc - ir), d = (ir / mr) * kc * mr;
            if (rs == 1 && rows == mr) {
                // a transposed A (a weight gradient's dy^T): a panel's MR values of one k are contiguous in a
                for (int p = 0, src = base + ir, o = d; p < kc; p++, src += cs, o += mr) {
                    System.arraycopy(a, src, dst, o, mr);
                }
                continue;
            }
            for (int r = 0; r < rows; r++) {
                int src = base + (ir + r) * rs, o = d + r;
                if (cs == 1) {
                    for (int p = 0; p < kc; p++) dst[o + p * mr] = a[src + p];
                } else {
                    for (int p = 0; p < kc; p++) dst[o + p * mr] = a[src + p * cs];
                }
            }
            for (int r = rows; r < mr; r++) {
                for (int p = 0; p < kc; p++) dst[d + r + p * mr] = 0f;
            }
        }
    }
}
