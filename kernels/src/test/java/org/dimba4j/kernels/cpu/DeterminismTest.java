package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Supplier;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Ops big enough to run on several threads give bit-identical results on every call: work splitting never
 * changes a summation order, and no two tasks share scratch memory. (Tiled VAE decoding relies on this.)
 */
class DeterminismTest {

    private static void sameEveryTime(String what, Supplier<Tensor> op) {
        float[] first = op.get().toFloatArray();
        for (int i = 0; i < 4; i++) assertArrayEquals(first, op.get().toFloatArray(), what + ": call " + (i + 2) + " differs");
    }

    @Test
    void parallelOpsAreDeterministic() {
        Random r = new Random(15);
        Tensor x = rand(r, 1, 64, 32, 32), w = rand(r, 64, 64, 3, 3), bias = rand(r, 64);
        sameEveryTime("conv2d", () -> CPU.conv2d(x, w, bias, 1, 1, 1, 1, 1));
        sameEveryTime("groupNorm", () -> CPU.groupNorm(x, 32, bias, bias, 1e-6f));
        Tensor a = rand(r, 300, 257), b = rand(r, 257, 700);
        sameEveryTime("matmul", () -> CPU.matmul(a, b, false, false));
        Tensor wl = rand(r, 700, 257);
        sameEveryTime("linear", () -> CPU.linear(a, wl, null));
        Tensor q = rand(r, 2, 200, 64), k = rand(r, 2, 150, 64);
        sameEveryTime("attention", () -> CPU.attention(q, k, k, 4, 0.125f, null, null));
        Tensor big = rand(r, 512, 1000);
        sameEveryTime("layerNorm", () -> CPU.layerNorm(big, null, null, 1e-6f));
        sameEveryTime("softmax", () -> CPU.softmax(big));
        sameEveryTime("silu", () -> CPU.silu(big));
        sameEveryTime("add", () -> CPU.add(big, big.reshape(512, 1000)));
    }
}
