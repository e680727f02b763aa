package org.dimba4j.bench;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Common JMH settings (average time in ms, one fork with the Vector API module) and input helpers. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class BenchBase {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, shape);
    }

    /** t's values as an off-heap bf16/f16 segment, the way a memory-mapped checkpoint tensor arrives. */
    static Tensor segment(Tensor t, DType dtype) {
        float[] v = t.toFloatArray();
        MemorySegment seg = Arena.ofAuto().allocate(2L * v.length, 2);
        for (int i = 0; i < v.length; i++) {
            short s = dtype == DType.F16 ? Float.floatToFloat16(v[i]) : (short) ((Float.floatToRawIntBits(v[i]) + 0x8000) >>> 16);
            seg.setAtIndex(I16, i, s);
        }
        return Tensor.ofSegment(seg, dtype, t.shape());
    }
}
