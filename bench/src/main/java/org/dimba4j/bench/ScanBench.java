package org.dimba4j.bench;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/** One direction of a Dimba-L Mamba layer: batch 2, d_inner 2304, d_state 16, 1024 tokens, softplus dt, D and z. */
public class ScanBench extends BenchBase {
    private final Backend cpu = new CpuBackend();
    private Tensor u, delta, a, b, c, d, z, dtBias;

    @Setup
    public void setup() {
        int bsz = 2, l = 1024, e = 2304, n = 16;
        u = random(1, bsz, l, e);
        delta = cpu.affine(random(2, bsz, l, e), 0.5f, -4f);
        float[] av = new float[e * n];
        for (int i = 0; i < av.length; i++) av[i] = -(1 + i % n);
        a = Tensor.of(av, e, n);
        b = random(3, bsz, l, n);
        c = random(4, bsz, l, n);
        d = random(5, e);
        z = random(6, bsz, l, e);
        dtBias = random(7, e);
    }

    @Benchmark
    public Tensor selectiveScan() {
        return cpu.selectiveScan(u, delta, a, b, c, d, z, dtBias, true);
    }
}
