package org.dimba4j.bench;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The pointwise activations and their backwards on the CPU backend at a Dimba-L Mamba shape, [2, 1024, 2304] (the
 * z gate and the conv output of one direction at 512 px). {@code mixed} runs five of them one after another, as a
 * model does: SiLU and its backward (every Mamba layer, every VAE resnet), GELU-tanh and its backward (every MLP,
 * T5's gated GELU) and softplus (the scan's dt). One function alone in a fork can compile well where the same code
 * serving several functions does not (the JIT's profile then covers them all), so the mix is what counts. {@code add}
 * is the memory-bound yardstick: one pass reading two such tensors and writing a third.
 */
public class ActivationBench extends BenchBase {
    private final Backend cpu = new CpuBackend();
    private Tensor x, dy;

    @Setup
    public void setup() {
        x = cpu.affine(random(1, 2, 1024, 2304), 3f, 0f);
        dy = random(2, 2, 1024, 2304);
    }

    @Benchmark
    public void mixed(Blackhole bh) {
        bh.consume(cpu.silu(x));
        bh.consume(cpu.siluBackward(x, dy));
        bh.consume(cpu.geluTanh(x));
        bh.consume(cpu.geluTanhBackward(x, dy));
        bh.consume(cpu.softplus(x));
    }

    @Benchmark
    public Tensor add() {
        return cpu.add(x, dy);
    }
}
