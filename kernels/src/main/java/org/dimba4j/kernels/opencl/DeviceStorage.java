package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Storage;

import java.lang.ref.Cleaner;

/**
 * A tensor's elements on the device: a range of f32 elements of one {@link DeviceArena}. The range goes back to the
 * arena when the storage becomes unreachable (or at once for an op's temporaries).
 */
public final class DeviceStorage implements Storage {
    private final DeviceArena arena;
    private final int offset;
    private final int length;
    private Cleaner.Cleanable cleanable;

    DeviceStorage(DeviceArena arena, int offset, int length) {
        this.arena = arena;
        this.offset = offset;
        this.length = length;
    }

    void onFree(Cleaner.Cleanable c) {
        this.cleanable = c;
    }

    /** Returns the range to the arena now (idempotent); only for temporaries nobody else can see. */
    void free() {
        cleanable.clean();
    }

    DeviceArena arena() {
        return arena;
    }

    /** First element in the arena. */
    int offset() {
        return offset;
    }

    /** Number of f32 elements. */
    int length() {
        return length;
    }

    @Override
    public long byteSize() {
        return 4L * length;
    }

    @Override
    public String toString() {
        return "DeviceStorage[" + offset + "+" + length + " on " + arena.deviceName() + "]";
    }
}
