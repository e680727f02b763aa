package org.dimba4j.bench;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.ScanGrads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The training-side twins of {@link ScanBench}: the selective scan's backward at the same Dimba-L shape (batch 2,
 * d_inner 2304, d_state 16, 1024 tokens, softplus dt, D and z), the causal conv1d's backward (K = 4) and the
 * patch embed's conv2d backward (4 -> 1152 channels, 2x2 stride 2 over a 64x64 latent).
 */
public class ScanBackwardBench extends BenchBase {
    private final Backend cpu = new CpuBackend();
    private Tensor u, delta, a, b, c, d, z, dtBias, dOut, convW, latent, patchW, patchDy;

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
        dOut = random(8, bsz, l, e);
        convW = random(9, e, 1, 4);
        latent = random(10, bsz, 4, 64, 64);
        patchW = random(11, 1152, 4, 2, 2);
        patchDy = random(12, bsz, 1152, 32, 32);
    }

    @Benchmark
    public ScanGrads selectiveScanBackward() {
        return cpu.selectiveScanBackward(u, delta, a, b, c, d, z, dtBias, true, dOut);
    }

    @Benchmark
    public ConvGrads causalConv1dBackward() {
        return cpu.causalConv1dBackward(u, convW, dOut, true);
    }

    @Benchmark
    public ConvGrads patchEmbedConv2dBackward() {
        return cpu.conv2dBackward(latent, patchW, patchDy, true, 2, 2, 0, 0, 1);
    }
}
