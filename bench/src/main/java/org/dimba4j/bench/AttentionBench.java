package org.dimba4j.bench;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Dimba-L/512 attention shapes: self-attention over the 32x32 latent tokens (16 heads of 72) and cross-attention
 * to 300 masked T5 tokens, forward and backward.
 */
public class AttentionBench extends BenchBase {
    @Param({"1024", "300"})
    public int keys;

    private static final float SCALE = (float) (1 / Math.sqrt(72));

    private final Backend cpu = new CpuBackend();
    private Tensor q, k, v, mask, out, dOut;

    @Setup
    public void setup() {
        q = random(1, 2, 1024, 1152);
        k = random(2, 2, keys, 1152);
        v = random(3, 2, keys, 1152);
        long[] m = new long[2 * keys];
        for (int i = 0; i < m.length; i++) m[i] = (i % keys) < keys * 2 / 3 ? 1 : 0;
        mask = Tensor.ofLongs(m, 2, keys);
        out = attention();
        dOut = random(4, 2, 1024, 1152);
    }

    @Benchmark
    public Tensor attention() {
        return cpu.attention(q, k, v, 16, SCALE, keyMask(), null);
    }

    /** The training-side twin: dq, dk, dv from the same inputs (probabilities recomputed, as FlashAttention-2). */
    @Benchmark
    public AttentionGrads attentionBackward() {
        return cpu.attentionBackward(q, k, v, 16, SCALE, keyMask(), null, out, dOut);
    }

    private Tensor keyMask() {
        return keys == 1024 ? null : mask;
    }
}
