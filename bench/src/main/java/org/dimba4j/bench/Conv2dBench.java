package org.dimba4j.bench;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** VAE-decoder-like 3x3 convolutions (padding 1) with f16 weights, and a 1x1 projection. */
public class Conv2dBench extends BenchBase {
    @Param({"512x64", "256x128", "128x256"})
    public String channelsBySize;

    private final Backend cpu = new CpuBackend();
    private Tensor x, w3, w1;

    @Setup
    public void setup() {
        String[] p = channelsBySize.split("x");
        int c = Integer.parseInt(p[0]), s = Integer.parseInt(p[1]);
        x = random(1, 1, c, s, s);
        w3 = segment(random(2, c, c, 3, 3), DType.F16);
        w1 = segment(random(3, c, c, 1, 1), DType.F16);
    }

    @Benchmark
    public Tensor conv3x3() {
        return cpu.conv2d(x, w3, null, 1, 1, 1, 1, 1);
    }

    @Benchmark
    public Tensor conv1x1() {
        return cpu.conv2d(x, w1, null, 1, 1, 0, 0, 1);
    }
}
