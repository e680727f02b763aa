package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.HostStorage;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The device operands of one op: resolves each input tensor to an arena offset, keeps its storage reachable until the
 * launch is done (so the Cleaner cannot hand its range to the op's output), and frees the op's temporaries.
 *
 * <p>Host inputs: memory-mapped (segment) tensors, i.e. checkpoint weights in f32/f16/bf16 and I64 masks, are widened
 * and uploaded once, then cached by storage identity for as long as the host storage lives. Host heap arrays may be
 * changed by their owner, so they are uploaded for the op and freed after it.
 */
final class Operands implements AutoCloseable {
    private final DeviceArena arena;
    private final Map<HostStorage, DeviceStorage> cache;
    private final List<DeviceStorage> live = new ArrayList<>();
    private final List<DeviceStorage> temps = new ArrayList<>();

    Operands(DeviceArena arena, Map<HostStorage, DeviceStorage> cache) {
        this.arena = arena;
        this.cache = cache;
    }

    static Map<HostStorage, DeviceStorage> newCache() {
        return Collections.synchronizedMap(new WeakHashMap<>());
    }

    /** The device storage holding {@code t}'s elements, uploading host tensors as described above. */
    static DeviceStorage resolve(DeviceArena arena, Map<HostStorage, DeviceStorage> cache, Tensor t, List<DeviceStorage> temps) {
        if (t.storage() instanceof DeviceStorage ds) {
            if (ds.arena() != arena) {
                throw new IllegalArgumentException("tensor " + t + " lives on another OpenCL backend (" + ds.arena().deviceName() + ")");
            }
            return ds;
        }
        if (!(t.storage() instanceof HostStorage hs)) {
            throw new IllegalArgumentException("tensor " + t + " has a storage this backend cannot read: " + t.storage());
        }
        int n = Math.toIntExact(t.numel());
        if (hs.segment() != null) {
            DeviceStorage cached = cache.get(hs);
            if (cached != null && cached.length() >= n) return cached;
            int whole = Math.toIntExact(hs.byteSize() / t.dtype().byteSize());
            DeviceStorage up = arena.upload(hs, t.dtype(), whole);
            cache.put(hs, up);
            return up;
        }
        DeviceStorage up = arena.upload(hs, DType.F32, n);
        temps.add(up);
        return up;
    }

    /** Arena offset of {@code t}'s first element. */
    int in(Tensor t) {
        DeviceStorage ds = resolve(arena, cache, t, temps);
        live.add(ds);
        return ds.offset();
    }

    /** Arena offset of an optional input, or -1. */
    int opt(Tensor t) {
        return t == null ? -1 : in(t);
    }

    /** A new device tensor for the op's result. */
    Tensor out(int... shape) {
        DeviceStorage ds = arena.allocate(Shape.numel(shape));
        live.add(ds);
        return new Tensor(ds, DType.F32, shape);
    }

    /** Arena offset of a scratch range of {@code n} floats that lives until the op is done. */
    int scratch(long n) {
        DeviceStorage ds = arena.allocate(n);
        temps.add(ds);
        return ds.offset();
    }

    /** A new device tensor for an optional result: null when not {@code wanted}. */
    Tensor outIf(boolean wanted, int... shape) {
        return wanted ? out(shape) : null;
    }

    static int offset(Tensor deviceTensor) {
        return ((DeviceStorage) deviceTensor.storage()).offset();
    }

    @Override
    public void close() {
        for (DeviceStorage t : temps) t.free();
        Reference.reachabilityFence(live);
    }
}
