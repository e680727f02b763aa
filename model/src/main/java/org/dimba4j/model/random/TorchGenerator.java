package org.dimba4j.model.random;

import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

/**
 * PyTorch's CPU random generator, bit for bit: {@code torch.Generator().manual_seed(seed)} followed by
 * {@code torch.randn(shape, generator=g)} or {@code torch.rand(...)} in float32, so a seed gives the same
 * initial noise here as in a Python pipeline.
 *
 * <p>What PyTorch does (aten/src/ATen/native/cpu/DistributionTemplates.h, core/DistributionsHelper.h,
 * core/TransformationHelper.h, CPUGeneratorImpl.cpp):
 * <ul>
 *   <li>The engine is MT19937 seeded with the low 32 bits of the seed; a float uniform is
 *       {@code (word & 0xffffff) * 2^-24}, a double uniform takes 53 bits of two words (first word high).</li>
 *   <li>randn of 16 or more float32 elements ("normal_fill"): first one float uniform per element, then
 *       Box-Muller over each block of 16, pairing element j with j + 8 (u1 = 1 - data[j], u2 = data[j + 8],
 *       r = sqrt(-2 log u1), data[j] = r cos(2 pi u2), data[j + 8] = r sin(2 pi u2)). When the size is not a
 *       multiple of 16, the last 16 elements are redrawn with 16 fresh uniforms and transformed again (they
 *       overlap the last full block). On x86 builds with AVX2 the log and sincos are avx_mathfun's float
 *       polynomials ({@link CephesFloatMath}); that is the path reproduced here.</li>
 *   <li>randn of fewer than 16 elements: the scalar double path, two double uniforms u1, u2 per pair,
 *       r = sqrt(-2 log1p(-u2)), theta = 2 pi u1, returns r cos(theta) and caches r sin(theta) in the
 *       generator for the next scalar draw (the cache survives across calls; manual_seed clears it).</li>
 * </ul>
 * Not thread-safe, like a torch.Generator used from one thread.
 */
public final class TorchGenerator {
    private static final float TWO_PI_F = (float) (2.0 * Math.PI);
    private static final float INV_2_24 = 1.0f / (1 << 24);
    private static final double INV_2_53 = 1.0 / (1L << 53);

    private Mt19937 engine;
    private boolean hasNextDoubleNormal;
    private double nextDoubleNormal;

    /** A generator in the state of {@code torch.Generator().manual_seed(seed)}. */
    public TorchGenerator(long seed) {
        manualSeed(seed);
    }

    /** Re-seeds, like {@code manual_seed}: new engine state, cached normal value dropped. */
    public TorchGenerator manualSeed(long seed) {
        engine = new Mt19937(seed);
        hasNextDoubleNormal = false;
        return this;
    }

    /** The next raw 32-bit word ({@code CPUGeneratorImpl::random}), unsigned. */
    public long random() {
        return engine.nextUInt32();
    }

    /** Two words, the first one high ({@code CPUGeneratorImpl::random64}). */
    public long random64() {
        long hi = engine.nextUInt32();
        long lo = engine.nextUInt32();
        return (hi << 32) | lo;
    }

    /** A float uniform in [0, 1) from 24 random bits. */
    public float uniformFloat() {
        return (random() & 0xffffff) * INV_2_24;
    }

    /** A double uniform in [0, 1) from 53 random bits. */
    public double uniformDouble() {
        return (random64() & ((1L << 53) - 1)) * INV_2_53;
    }

    /** {@code torch.randn(shape, generator=g)} in float32, as a host tensor. */
    public Tensor randn(int... shape) {
        float[] data = new float[Math.toIntExact(Shape.numel(shape))];
        fillNormal(data);
        return Tensor.of(data, shape);
    }

    /** {@code torch.rand(shape, generator=g)} in float32, as a host tensor. */
    public Tensor rand(int... shape) {
        float[] data = new float[Math.toIntExact(Shape.numel(shape))];
        for (int i = 0; i < data.length; i++) data[i] = uniformFloat();
        return Tensor.of(data, shape);
    }

    /** Fills {@code data} as torch.randn fills a contiguous float32 tensor of that many elements. */
    public void fillNormal(float[] data) {
        int size = data.length;
        if (size >= 16) {
            normalFill(data);
        } else {
            for (int i = 0; i < size; i++) data[i] = (float) normalDouble();
        }
    }

    private void normalFill(float[] data) {
        int size = data.length;
        for (int i = 0; i < size; i++) data[i] = uniformFloat();
        float[] sincos = new float[2];
        for (int i = 0; i + 16 <= size; i += 16) boxMuller16(data, i, sincos);
        if (size % 16 != 0) {
            int tail = size - 16; // redo the last 16, overlapping the last full block
            for (int i = 0; i < 16; i++) data[tail + i] = uniformFloat();
            boxMuller16(data, tail, sincos);
        }
    }

    private static void boxMuller16(float[] data, int off, float[] sincos) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - data[off + j]; // [0, 1) -> (0, 1] for the log
            float u2 = data[off + j + 8];
            float radius = (float) Math.sqrt(-2f * CephesFloatMath.log(u1)); // sqrt via double is exact for floats
            float theta = TWO_PI_F * u2;
            CephesFloatMath.sincos(theta, sincos);
            data[off + j] = radius * sincos[1];
            data[off + j + 8] = radius * sincos[0];
        }
    }

    /** One standard normal from the scalar double path, with PyTorch's cached second value. */
    public double normalDouble() {
        if (hasNextDoubleNormal) {
            hasNextDoubleNormal = false;
            return nextDoubleNormal;
        }
        double u1 = uniformDouble();
        double u2 = uniformDouble();
        double r = Math.sqrt(-2.0 * StrictMath.log1p(-u2));
        double theta = 2.0 * Math.PI * u1;
        nextDoubleNormal = r * StrictMath.sin(theta);
        hasNextDoubleNormal = true;
        return r * StrictMath.cos(theta);
    }
}
