package org.dimba4j.bench;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Dimba-L/512 attention shapes: self-attention over the 32x32 latent tokens (16 heads of 72) and cross-attention
 * to 300 masked T5 tokens.
 */
public class AttentionBench extends BenchBase {
    @Param({"1024", "300"})
    public int keys;

    private final Backend cpu = new CpuBackend();
    private Tensor q, k, v, mask;

    @Setup
    public void setup() {
        q = random(1, 2, 1024, 1152);
        k = random(2, 2, keys, 1152);
        v = random(3, 2, keys, 1152);
        long[] m = new long[2 * keys];
        for (int i = 0; i < m.length; i++) m[i] = (i % keys) < keys * 2 / 3 ? 1 : 0;
        mask = Tensor.ofLongs(m, 2, keys);
    }

    @Benchmark
    public Tensor attention() {
        return cpu.attention(q, k, v, 16, (float) (1 / Math.sqrt(72)), keys == 1024 ? null : mask, null);
    }
}
