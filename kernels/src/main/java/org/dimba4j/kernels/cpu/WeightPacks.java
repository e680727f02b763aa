package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Packed copies of the read-only weights that linear layers use again and again (every block of every sampling
 * step), so their GEMM skips packing B: without it, each call re-reads the whole [out, in] weight transposed and
 * widens bf16/f16 to f32. A weight is packed on its {@value #PACK_ON_USE}rd use (one-off products, e.g. a prompt
 * encoded once, never pay for it), keyed by the Tensor object (weakly: a dropped model frees its packs).
 *
 * <p>Only tensors over a read-only memory segment (a memory-mapped checkpoint) qualify: their values cannot change
 * behind the cache. Heap f32 tensors (training parameters, updated in place) are never cached.
 *
 * <p>Memory: a packed weight is f32, 4 bytes per element of in x roundUp(out, NR) (2x the mapped size of a bf16
 * checkpoint), on the Java heap. {@code -Ddimba.packWeights=false} turns it off; {@code -Ddimba.packWeights.maxMB}
 * caps the total (default: a quarter of the maximum heap, at most 4096 MB); weights past the cap run unpacked.
 */
final class WeightPacks {
    static final int PACK_ON_USE = 3;
    static final WeightPacks SHARED = new WeightPacks(
            Boolean.parseBoolean(System.getProperty("dimba.packWeights", "true")),
            Long.getLong("dimba.packWeights.maxMB", Math.min(4096, Runtime.getRuntime().maxMemory() / 4 >> 20)) << 20);

    private static final class Entry {
        int uses;
        boolean packing;
        PackedB packed;
    }

    private final boolean enabled;
    private final long maxBytes;
    private final Map<Tensor, Entry> entries = new WeakHashMap<>();

    WeightPacks(boolean enabled, long maxBytes) {
        this.enabled = enabled;
        this.maxBytes = maxBytes;
    }

    /**
     * The packed K x N operand of {@code weight} (an [out = n, in = k] tensor used transposed), packing it now if
     * this is its PACK_ON_USE-th use and it fits the cap; null when it runs unpacked.
     */
    PackedB lookup(Tensor weight, int k, int n) {
        if (!enabled || !readOnly(weight)) return null;
        long bytes = 4L * k * Gemm.panels(n) * Gemm.NR;
        synchronized (this) {
            Entry e = entries.computeIfAbsent(weight, w -> new Entry());
            if (e.packed != null) return e.packed.k() == k && e.packed.n() == n ? e.packed : null;
            if (e.packing || ++e.uses < PACK_ON_USE || usedBytes() + bytes > maxBytes) return null;
            e.packing = true;
        }
        // packed outside the lock: packing runs on the pool, whose threads may call lookup themselves
        PackedB p = PackedB.of(MatrixView.of(weight, 0, k, true), k, n, true);
        synchronized (this) {
            Entry e = entries.get(weight);
            if (e != null) e.packed = p;
        }
        return p;
    }

    /** Bytes held by live packs (entries of collected weights are already gone from the weak map). */
    synchronized long usedBytes() {
        long sum = 0;
        for (Entry e : entries.values()) if (e.packed != null) sum += e.packed.bytes();
        return sum;
    }

    private static boolean readOnly(Tensor t) {
        MemorySegment s = t.isHostF32Array() ? null : t.segment();
        return s != null && s.isReadOnly();
    }
}
