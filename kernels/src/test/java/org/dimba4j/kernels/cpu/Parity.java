package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.Tolerances;
import org.dimba4j.kernels.reference.ReferenceBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Shared helpers of the parity tests: random tensors, f16/bf16 weight segments, and a tolerance check. */
final class Parity {
    static final Backend REF = new ReferenceBackend();
    static final Backend CPU = new CpuBackend();
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Parity() {}

    static Tensor rand(Random r, int... shape) {
        float[] d = new float[Math.toIntExact(org.dimba4j.kernels.Shape.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        return Tensor.of(d, shape);
    }

    static Tensor uniform(Random r, float lo, float hi, int... shape) {
        float[] d = new float[Math.toIntExact(org.dimba4j.kernels.Shape.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * r.nextFloat();
        return Tensor.of(d, shape);
    }

    /** {@code t}'s values stored in a native segment of {@code dtype} (rounded), as a mapped weight would be. */
    static Tensor asSegment(Tensor t, DType dtype) {
        float[] v = t.toFloatArray();
        MemorySegment seg = Arena.ofAuto().allocate((long) v.length * dtype.byteSize(), 4);
        for (int i = 0; i < v.length; i++) {
            switch (dtype) {
                case F32 -> seg.setAtIndex(F32, i, v[i]);
                case F16 -> seg.setAtIndex(I16, i, Float.floatToFloat16(v[i]));
                case BF16 -> seg.setAtIndex(I16, i, (short) ((Float.floatToRawIntBits(v[i]) + 0x8000) >>> 16));
                default -> throw new IllegalArgumentException(dtype.toString());
            }
        }
        return Tensor.ofSegment(seg, dtype, t.shape());
    }

    /** Asserts equal shapes and |a - e| <= atol + rtol |e| everywhere, naming the first bad element. */
    static void assertClose(String what, Tensor expected, Tensor actual, double atol, double rtol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            double tol = atol + rtol * Math.abs(e[i]);
            if (!(Math.abs(a[i] - e[i]) <= tol) && !(Float.isNaN(e[i]) && Float.isNaN(a[i]))
                    && !(Float.isInfinite(e[i]) && e[i] == a[i])) {
                fail(what + ": element " + i + " of " + Arrays.toString(expected.shape()) + " expected " + e[i]
                        + " got " + a[i] + " (tol " + tol + ")");
            }
        }
    }

    /** Tolerance check scaled by the RMS of the expected values, for long dot products. */
    static void assertCloseRms(String what, Tensor expected, Tensor actual, double rel) {
        assertClose(what, expected, actual, Tolerances.rmsAtol(expected, rel), rel);
    }
}
