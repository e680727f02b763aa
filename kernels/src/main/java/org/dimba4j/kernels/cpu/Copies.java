package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.HostStorage;
import org.dimba4j.kernels.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * Bulk copies out of any host tensor into an f32 array: {@code System.arraycopy} for heap f32, one
 * {@code MemorySegment.copy} for an f32 segment, a bulk copy of the halves then a widening loop for f16/bf16
 * (mapped weights such as an embedding table), so a layout op never widens a whole tensor it only reads part of.
 */
final class Copies {
    private static final int CHUNK = 4096; // halves widened per bulk copy (the per-thread scratch)
    private static final ThreadLocal<short[]> HALVES = ThreadLocal.withInitial(() -> new short[CHUNK]);

    private Copies() {}

    /** dst[at .. at+len) = src elements [from, from+len), widened to f32. */
    static void read(Tensor src, long from, float[] dst, int at, int len) {
        if (src.isHostF32Array()) {
            System.arraycopy(src.floats(), Math.toIntExact(from), dst, at, len);
            return;
        }
        MemorySegment seg = src.segment();
        if (seg == null) throw new IllegalStateException("device tensor " + src + ": copy it with Backend.toHost first");
        DType d = src.dtype();
        if (d == DType.F32) {
            MemorySegment.copy(seg, MatrixView.F32, 4 * from, dst, at, len);
        } else if (d == DType.BF16 || d == DType.F16) {
            short[] h = HALVES.get();
            for (int done = 0; done < len; done += CHUNK) {
                int n = Math.min(CHUNK, len - done), o = at + done;
                MemorySegment.copy(seg, MatrixView.I16, 2 * (from + done), h, 0, n);
                if (d == DType.BF16) {
                    for (int i = 0; i < n; i++) dst[o + i] = Float.intBitsToFloat(h[i] << 16);
                } else {
                    for (int i = 0; i < n; i++) dst[o + i] = Float.float16ToFloat(h[i]);
                }
            }
        } else {
            for (int i = 0; i < len; i++) dst[at + i] = HostStorage.readAsFloat(seg, d, from + i);
        }
    }

    /**
     * {@code blocks} copies of {@code len} elements: block p reads src from {@code srcOff + p * srcStride} and
     * writes dst at {@code dstOff + p * dstStride}. Big copies are split over the pool by element ranges, so one
     * huge block (a slice along dim 0) is shared out as well as many small ones.
     */
    static void blocks(Tensor src, long srcOff, long srcStride, float[] dst, int dstOff, int dstStride, int blocks, int len) {
        if (blocks == 0 || len == 0) return;
        long total = (long) blocks * len;
        int pieces = total < (1 << 18) ? 1 : Parallel.threads();
        Parallel.forEach(pieces, true, t -> {
            long e0 = total * t / pieces, e1 = total * (t + 1) / pieces;
            while (e0 < e1) {
                int p = (int) (e0 / len), j = (int) (e0 % len), n = (int) Math.min(len - j, e1 - e0);
                read(src, srcOff + p * srcStride + j, dst, dstOff + p * dstStride + j, n);
                e0 += n;
            }
        });
    }
}
