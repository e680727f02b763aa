package org.dimba4j.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A dense, row-major, immutable-shape tensor. Activations are f32; weights may keep their checkpoint dtype
 * (f16/bf16 segments, memory-mapped) and are widened where a kernel reads them.
 *
 * <p>Tensors carry no gradient and no graph: ops are methods of {@link Backend}, so a training tape can wrap
 * the backend and record each call without the model code changing.
 */
public final class Tensor {
    private final int[] shape;
    private final DType dtype;
    private final Storage storage;

    public Tensor(Storage storage, DType dtype, int... shape) {
        this.shape = shape.clone();
        this.dtype = dtype;
        this.storage = storage;
        long need = Shape.numel(shape) * dtype.byteSize();
        if (storage.byteSize() < need) {
            throw new IllegalArgumentException("storage of " + storage.byteSize() + " bytes is too small for "
                    + dtype + " " + Shape.str(shape) + " (" + need + " bytes)");
        }
    }

    /** A host f32 tensor over {@code data} (not copied). */
    public static Tensor of(float[] data, int... shape) {
        if (Shape.numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " needs " + Shape.numel(shape)
                    + " elements, got " + data.length);
        }
        return new Tensor(HostStorage.of(data), DType.F32, shape);
    }

    public static Tensor zeros(int... shape) {
        return of(new float[Math.toIntExact(Shape.numel(shape))], shape);
    }

    public static Tensor scalar(float v) {
        return of(new float[] {v}, 1);
    }

    /** A host tensor viewing a segment (e.g. memory-mapped), widened to f32 where it is read. */
    public static Tensor ofSegment(MemorySegment segment, DType dtype, int... shape) {
        return new Tensor(HostStorage.of(segment), dtype, shape);
    }

    /** A host I64 tensor (token ids, masks). */
    public static Tensor ofLongs(long[] data, int... shape) {
        MemorySegment seg = Arena.ofAuto().allocate(8L * data.length, 8);
        for (int i = 0; i < data.length; i++) seg.setAtIndex(HostStorage.I64_LE, i, data[i]);
        return new Tensor(HostStorage.of(seg), DType.I64, shape);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return Shape.numel(shape);
    }

    public DType dtype() {
        return dtype;
    }

    public Storage storage() {
        return storage;
    }

    public boolean isHost() {
        return storage instanceof HostStorage;
    }

    /** True for a host f32 tensor backed by a heap array (what the CPU kernels write). */
    public boolean isHostF32Array() {
        return storage instanceof HostStorage h && h.floats() != null;
    }

    /** The heap array of a host f32 tensor; throws for other storages (use {@link #toFloatArray()}). */
    public float[] floats() {
        if (storage instanceof HostStorage h && h.floats() != null) return h.floats();
        throw new IllegalStateException("tensor " + this + " is not a host f32 array; use toFloatArray()");
    }

    /** The segment of a host segment tensor, or null. */
    public MemorySegment segment() {
        return storage instanceof HostStorage h ? h.segment() : null;
    }

    /** A copy of a host tensor's elements as f32 (widening f16/bf16/ints). Device tensors: Backend.toHost. */
    public float[] toFloatArray() {
        if (!(storage instanceof HostStorage h)) {
            throw new IllegalStateException("device tensor " + this + ": copy it with Backend.toHost first");
        }
        int n = Math.toIntExact(numel());
        if (h.floats() != null) return Arrays.copyOf(h.floats(), n);
        float[] out = new float[n];
        MemorySegment seg = h.segment();
        for (int i = 0; i < n; i++) out[i] = HostStorage.readAsFloat(seg, dtype, i);
        return out;
    }

    /** A host tensor's elements as longs (for I64/I32 ids and masks). */
    public long[] toLongArray() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        if (storage instanceof HostStorage h && h.segment() != null) {
            for (int i = 0; i < n; i++) out[i] = HostStorage.readAsLong(h.segment(), dtype, i);
        } else {
            float[] f = floats();
            for (int i = 0; i < n; i++) out[i] = (long) f[i];
        }
        return out;
    }

    /** Element at a flat index of a host tensor, as f32. */
    public float getFlat(long i) {
        if (storage instanceof HostStorage h) {
            return h.floats() != null ? h.floats()[Math.toIntExact(i)] : HostStorage.readAsFloat(h.segment(), dtype, i);
        }
        throw new IllegalStateException("device tensor " + this + ": copy it with Backend.toHost first");
    }

    /** A host f32 copy with an owned heap array (widens mapped weights; a no-op copy for f32 arrays). */
    public Tensor toF32() {
        if (isHostF32Array()) return this;
        return of(toFloatArray(), shape);
    }

    /** Same storage, new shape; one dimension may be -1. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("two -1 dimensions in " + Shape.str(newShape));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) s[infer] = known == 0 ? 0 : Math.toIntExact(numel() / known);
        if (Shape.numel(s) != numel()) {
            throw new IllegalArgumentException("cannot reshape " + Shape.str(shape) + " to " + Shape.str(newShape));
        }
        return new Tensor(storage, dtype, s);
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + " " + Shape.str(shape) + (isHost() ? "" : " on device") + ")";
    }
}
