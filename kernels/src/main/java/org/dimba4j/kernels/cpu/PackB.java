package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.dimba4j.kernels.DType;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Packs a kc x nc block of the right GEMM operand into panels of {@link Gemm#NR} columns, each panel kc rows of
 * NR contiguous floats (zero-padded past the last column), so the micro-kernel streams it with two vector loads
 * per k. This is also where f16/bf16 weights are widened: they are never copied whole to f32.
 */
final class PackB {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private PackB() {}

    /** Packs rows [k0, k0+kc) and columns [j0, j0+nc) of b into dst from dstOff on (panel after panel). */
    static void pack(MatrixView b, int k0, int kc, int j0, int nc, float[] dst, int dstOff) {
        final int nr = Gemm.NR;
        int panels = (nc + nr - 1) / nr;
        for (int pn = 0; pn < panels; pn++) {
            int jb = j0 + pn * nr, cols = Math.min(nr, j0 + nc - jb), base = dstOff + pn * kc * nr;
            if (cols < nr) java.util.Arrays.fill(dst, base, base + kc * nr, 0f);
            if (b.colStride() == 1) packRows(b, k0, kc, jb, cols, dst, base);
            else packColumns(b, k0, kc, jb, cols, dst, base);
        }
    }

    /** Rows of b are contiguous: copy NR-wide row pieces (f16/bf16 through packHalfRows). */
    private static void packRows(MatrixView b, int k0, int kc, int jb, int cols, float[] dst, int base) {
        final int nr = Gemm.NR, l = S.length();
        float[] arr = b.array();
        long rs = b.rowStride(), off = b.off() + jb;
        if (cols == nr) {
            if (arr != null) {
                for (int p = 0; p < kc; p++) {
                    int src = (int) (off + (k0 + p) * rs), d = base + p * nr;
                    FloatVector.fromArray(S, arr, src).intoArray(dst, d);
                    FloatVector.fromArray(S, arr, src + l).intoArray(dst, d + l);
                }
                return;
            }
            MemorySegment seg = b.segment();
            if (b.dtype() == DType.BF16 || b.dtype() == DType.F16) {
                packHalfRows(seg, b.dtype() == DType.BF16, off + k0 * rs, rs, kc, dst, base);
                return;
            }
            if (b.dtype() == DType.F32) {
                for (int p = 0; p < kc; p++) {
                    long src = 4 * (off + (k0 + p) * rs);
                    int d = base + p * nr;
                    FloatVector.fromMemorySegment(S, seg, src, ByteOrder.LITTLE_ENDIAN).intoArray(dst, d);
                    FloatVector.fromMemorySegment(S, seg, src + 4L * l, ByteOrder.LITTLE_ENDIAN).intoArray(dst, d + l);
                }
                return;
            }
        }
        for (int p = 0; p < kc; p++) {
            int d = base + p * nr;
            for (int j = 0; j < cols; j++) dst[d + j] = b.get(k0 + p, jb + j);
        }
    }

    /**
     * NR-wide pieces of kc f16/bf16 rows: one bulk copy per row into the scratch, then one contiguous widening pass.
     * (A ShortVector-to-int convertShape widening measured about 5x slower than this scalar loop: it is not intrinsified
     * for these shapes.)
     */
    private static void packHalfRows(MemorySegment seg, boolean bf16, long src, long rs, int kc, float[] dst, int base) {
        final int nr = Gemm.NR, n = kc * nr;
        short[] rows = halves(n);
        for (int p = 0; p < kc; p++) MemorySegment.copy(seg, MatrixView.I16, 2 * (src + p * rs), rows, p * nr, nr);
        if (bf16) {
            for (int i = 0; i < n; i++) dst[base + i] = Float.intBitsToFloat(rows[i] << 16);
        } else {
            for (int i = 0; i < n; i++) dst[base + i] = Float.float16ToFloat(rows[i]);
        }
    }

    /** Lane i of a scatter goes i panel rows further: one weight row (a B column) lands down its panel column. */
    private static final int[] DOWN = new int[S.length()];

    static {
        for (int i = 0; i < DOWN.length; i++) DOWN[i] = i * Gemm.NR;
    }

    /**
     * Columns of b are contiguous (a transposed operand, e.g. a [out, in] weight): f16/bf16 go through
     * packHalfColumns; f32 columns are read along k with vector loads and scattered down their panel column.
     */
    private static void packColumns(MatrixView b, int k0, int kc, int jb, int cols, float[] dst, int base) {
        final int nr = Gemm.NR, l = S.length();
        long cs = b.colStride(), rs = b.rowStride();
        float[] arr = b.array();
        MemorySegment seg = b.segment();
        if (rs == 1 && arr == null && (b.dtype() == DType.BF16 || b.dtype() == DType.F16)) {
            packHalfColumns(seg, b.dtype() == DType.BF16, b.off() + jb * cs + k0, cs, kc, cols, dst, base);
            return;
        }
        int kv = kc - kc % l;
        float[] tmp = new float[l];
        for (int j = 0; j < cols; j++) {
            long src = b.off() + (jb + j) * cs + k0; // element offset of (k0, jb + j) when rs == 1
            int d = base + j, p = 0;
            if (rs == 1 && arr != null) {
                for (; p < kv; p += l) FloatVector.fromArray(S, arr, (int) src + p).intoArray(dst, d + p * nr, DOWN, 0);
            } else if (rs == 1 && b.dtype() == DType.F32) {
                for (; p < kv; p += l) {
                    FloatVector.fromMemorySegment(S, seg, 4 * (src + p), ByteOrder.LITTLE_ENDIAN).intoArray(dst, d + p * nr, DOWN, 0);
                }
            }
            for (; p < kc; p++) dst[d + p * nr] = b.get(k0 + p, jb + j);
        }
    }

    /**
     * f16/bf16 weight rows (B columns, contiguous along k): bulk-copy each row's kc halves into a scratch array (one
     * bounds check per row, not per element), then walk the panel row by row, widening: reads stride through the
     * cols rows, writes are contiguous. Per-element segment reads and widen-then-scatter cost several times the
     * flops of a few-row product (a 120-token T5-XXL prompt). Widening is exact, so the bits are those of b.get.
     */
    private static void packHalfColumns(MemorySegment seg, boolean bf16, long src, long cs, int kc, int cols,
                                        float[] dst, int base) {
        final int nr = Gemm.NR;
        short[] rows = halves(cols * kc);
        for (int j = 0; j < cols; j++) MemorySegment.copy(seg, MatrixView.I16, 2 * (src + j * cs), rows, j * kc, kc);
        if (bf16) {
            for (int p = 0; p < kc; p++) {
                int d = base + p * nr;
                for (int j = 0, r = p; j < cols; j++, r += kc) dst[d + j] = Float.intBitsToFloat(rows[r] << 16);
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int d = base + p * nr;
                for (int j = 0, r = p; j < cols; j++, r += kc) dst[d + j] = Float.float16ToFloat(rows[r]);
            }
        }
    }

    /** Per-thread scratch for packHalfColumns: NR rows of kc halves (grown if -Ddimba.gemm.kc is raised). */
    private static final ThreadLocal<short[]> HALVES = ThreadLocal.withInitial(() -> new short[Gemm.NR * Gemm.KC]);

    private static short[] halves(int n) {
        short[] h = HALVES.get();
        if (h.length < n) HALVES.set(h = new short[n]);
        return h;
    }
}
