package org.dimba4j.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Host memory: either a heap {@code float[]} (activations, f32) or a {@link MemorySegment} of any dtype
 * (a memory-mapped checkpoint tensor, read in place and widened to f32 where it is used).
 */
public final class HostStorage implements Storage {
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final float[] floats;
    private final MemorySegment segment;

    private HostStorage(float[] floats, MemorySegment segment) {
        this.floats = floats;
        this.segment = segment;
    }

    public static HostStorage of(float[] floats) {
        return new HostStorage(floats, null);
    }

    public static HostStorage of(MemorySegment segment) {
        return new HostStorage(null, segment);
    }

    /** The heap array, or null when this storage is a segment. */
    public float[] floats() {
        return floats;
    }

    /** The segment, or null when this storage is a heap array. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public long byteSize() {
        return floats != null ? 4L * floats.length : segment.byteSize();
    }

    /** Element {@code i} of a segment of {@code dtype}, widened to float. */
    public static float readAsFloat(MemorySegment seg, DType dtype, long i) {
        return switch (dtype) {
            case F32 -> seg.get(F32_LE, 4 * i);
            case F16 -> Float.float16ToFloat(seg.get(I16_LE, 2 * i));
            case BF16 -> Float.intBitsToFloat((seg.get(I16_LE, 2 * i) & 0xffff) << 16);
            case F64 -> (float) seg.get(F64_LE, 8 * i);
            case I64 -> (float) seg.get(I64_LE, 8 * i);
            case I32 -> (float) seg.get(I32_LE, 4 * i);
            case I16 -> (float) seg.get(I16_LE, 2 * i);
            case I8 -> (float) seg.get(ValueLayout.JAVA_BYTE, i);
            case U8 -> (float) (seg.get(ValueLayout.JAVA_BYTE, i) & 0xff);
            case BOOL -> seg.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1f : 0f;
        };
    }

    /** Element {@code i} of an integer segment as a long (for token ids and masks). */
    public static long readAsLong(MemorySegment seg, DType dtype, long i) {
        return switch (dtype) {
            case I64 -> seg.get(I64_LE, 8 * i);
            case I32 -> seg.get(I32_LE, 4 * i);
            case I16 -> seg.get(I16_LE, 2 * i);
            case I8 -> seg.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> seg.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            default -> (long) readAsFloat(seg, dtype, i);
        };
    }
}
