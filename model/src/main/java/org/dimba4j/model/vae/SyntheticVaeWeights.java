package org.dimba4j.model.vae;

import org.dimba4j.io.TensorInfo;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random weights with the shapes of a config, for benchmarks of real-size VAEs without the real checkpoint.
 * Each tensor is drawn when asked for, from a seed derived from its name (the same name gives the same values):
 * conv and linear weights ~ N(0, 1/fan_in), norm scales ~ 1 + N(0, 0.1^2), biases ~ N(0, 0.02^2), so activations
 * keep a sane range through the network. Stream it to a file with SafetensorsWriter to get a mappable checkpoint.
 */
public final class SyntheticVaeWeights implements TensorSource {
    private static final ValueLayout.OfShort F16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Map<String, int[]> shapes;
    private final DType dtype;
    private final long seed;

    public SyntheticVaeWeights(VaeConfig config, DType dtype, long seed) {
        if (dtype != DType.F32 && dtype != DType.F16) throw new IllegalArgumentException("synthetic weights are F32 or F16, not " + dtype);
        this.shapes = AutoencoderKL.expectedTensors(config);
        this.dtype = dtype;
        this.seed = seed;
    }

    @Override
    public Set<String> names() {
        return shapes.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        return new TensorInfo(dtype, shape(name));
    }

    private int[] shape(String name) {
        int[] s = shapes.get(name);
        if (s == null) throw new IllegalArgumentException(description() + ": no tensor named '" + name + "'");
        return s;
    }

    @Override
    public Tensor get(String name) {
        int[] shape = shape(name);
        int n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        SplittableRandom rnd = new SplittableRandom(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L);
        boolean norm = name.contains("norm") && name.endsWith(".weight");
        double sigma = shape.length >= 2 ? 1.0 / Math.sqrt((double) n / shape[0]) : norm ? 0.1 : 0.02;
        double mean = norm ? 1.0 : 0.0;
        if (dtype == DType.F32) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) (mean + sigma * rnd.nextGaussian());
            return Tensor.of(v, shape);
        }
        MemorySegment seg = Arena.ofAuto().allocate(2L * n, 2);
        for (int i = 0; i < n; i++) seg.setAtIndex(F16_LE, i, Float.floatToFloat16((float) (mean + sigma * rnd.nextGaussian())));
        return Tensor.ofSegment(seg, DType.F16, shape);
    }

    @Override
    public String description() {
        return "synthetic " + dtype + " VAE weights (seed " + seed + ")";
    }
}
