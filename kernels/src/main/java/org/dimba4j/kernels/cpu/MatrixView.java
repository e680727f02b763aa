package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A rows x cols matrix inside a heap f32 array or a (memory-mapped) f32/f16/bf16 segment: element (r, c) is
 * at {@code off + r * rowStride + c * colStride}, in elements. Transposes are just swapped strides, so a
 * PyTorch [out, in] weight is the K x N right operand of a GEMM without a copy.
 */
record MatrixView(float[] array, MemorySegment segment, DType dtype, long off, int rowStride, int colStride) {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The matrix at element offset {@code off} of a host tensor, row-major with {@code ld} elements per row, maybe transposed. */
    static MatrixView of(Tensor t, long off, int ld, boolean transposed) {
        int rs = transposed ? 1 : ld, cs = transposed ? ld : 1;
        if (t.isHostF32Array()) return new MatrixView(t.floats(), null, DType.F32, off, rs, cs);
        DType d = t.dtype();
        MemorySegment seg = t.segment();
        if (seg != null && (d == DType.F32 || d == DType.F16 || d == DType.BF16)) return new MatrixView(null, seg, d, off, rs, cs);
        return new MatrixView(t.toFloatArray(), null, DType.F32, off, rs, cs);
    }

    MatrixView at(long extraOff) {
        return new MatrixView(array, segment, dtype, off + extraOff, rowStride, colStride);
    }

    /** Element (r, c) widened to f32 (used by packing loops off the hot path). */
    float get(long r, long c) {
        long i = off + r * rowStride + c * colStride;
        if (array != null) return array[(int) i];
        return switch (dtype) {
            case F32 -> segment.get(F32, 4 * i);
            case F16 -> Float.float16ToFloat(segment.get(I16, 2 * i));
            default -> Float.intBitsToFloat(segment.get(I16, 2 * i) << 16);
        };
    }
}
