package org.dimba4j.bench;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** f32 matmul (A @ B) and linear with a bf16 weight (x @ W^T, W [N, K] as mapped checkpoints hold it). */
public class MatmulBench extends BenchBase {
    @Param({"1024x1024x1024", "1024x1152x4608"})
    public String mkn;

    private final Backend cpu = new CpuBackend();
    private Tensor a, b, wBf16;

    @Setup
    public void setup() {
        String[] p = mkn.split("x");
        int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        a = random(1, m, k);
        b = random(2, k, n);
        wBf16 = segment(random(3, n, k), DType.BF16);
    }

    @Benchmark
    public Tensor matmulF32() {
        return cpu.matmul(a, b, false, false);
    }

    @Benchmark
    public Tensor linearBf16Weight() {
        return cpu.linear(a, wBf16, null);
    }
}
