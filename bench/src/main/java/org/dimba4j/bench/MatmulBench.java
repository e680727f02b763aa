package org.dimba4j.bench;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * f32 matmul (A @ B) and linear with a bf16, f16 or f32 weight (x @ W^T, W [N, K] as mapped checkpoints hold it).
 * 120x4096x10240 is a T5-XXL feed-forward layer on a 120-token prompt: few rows, so packing (widening) the
 * weight costs as much as the flops.
 */
public class MatmulBench extends BenchBase {
    @Param({"1024x1024x1024", "1024x1152x4608", "120x4096x10240"})
    public String mkn;

    private final Backend cpu = new CpuBackend();
    private Tensor a, b, wF32, wBf16, wF16;

    @Setup
    public void setup() {
        String[] p = mkn.split("x");
        int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        a = random(1, m, k);
        b = random(2, k, n);
        wF32 = random(3, n, k);
        wBf16 = segment(wF32, DType.BF16);
        wF16 = segment(wF32, DType.F16);
    }

    @Benchmark
    public Tensor matmulF32() {
        return cpu.matmul(a, b, false, false);
    }

    @Benchmark
    public Tensor linearF32Weight() {
        return cpu.linear(a, wF32, null);
    }

    @Benchmark
    public Tensor linearBf16Weight() {
        return cpu.linear(a, wBf16, null);
    }

    @Benchmark
    public Tensor linearF16Weight() {
        return cpu.linear(a, wF16, null);
    }
}
