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

    /**
     * The first calls run in the interpreter and C1, later ones in C2 code: the scan's inlined exp and fixed-order
     * sums must give the same bits throughout (two full channel blocks and a scalar tail, several time tiles).
     */
    @Test
    void scanAndConv1dAreTheSameColdAndWarm() {
        Random r = new Random(16);
        int b = 2, l = 150, e = 40, n = 16;
        Tensor u = rand(r, b, l, e), delta = rand(r, b, l, e), bb = rand(r, b, l, n), cc = rand(r, b, l, n);
        Tensor d = rand(r, e), z = rand(r, b, l, e), bias = rand(r, e), w = rand(r, e, 4);
        float[] av = new float[e * n];
        for (int i = 0; i < av.length; i++) av[i] = -(1 + i % n) * 0.5f;
        Tensor a = Tensor.of(av, e, n);
        float[] scan = CPU.selectiveScan(u, delta, a, bb, cc, d, z, bias, true).toFloatArray();
        float[] conv = CPU.causalConv1d(u, w, bias).toFloatArray();
        for (int i = 0; i < 120; i++) {
            assertArrayEquals(scan, CPU.selectiveScan(u, delta, a, bb, cc, d, z, bias, true).toFloatArray(), "scan call " + (i + 2));
            assertArrayEquals(conv, CPU.causalConv1d(u, w, bias).toFloatArray(), "conv1d call " + (i + 2));
        }
    }

    /**
     * conv2d (im2col, the GEMM's full and edge tiles, the bias pass) with f16 weights, strided and padded, and the
     * direct 1x1 path: the same bits from the first, interpreted call to the C2-compiled ones.
     */
    @Test
    void conv2dIsTheSameColdAndWarm() {
        Random r = new Random(17);
        Tensor x = rand(r, 2, 8, 13, 11), w3 = Parity.asSegment(rand(r, 20, 8, 3, 3), org.dimba4j.kernels.DType.F16);
        Tensor w1 = rand(r, 20, 8, 1, 1), bias = rand(r, 20);
        float[] c3 = CPU.conv2d(x, w3, bias, 2, 1, 1, 1, 1).toFloatArray(), c1 = CPU.conv2d(x, w1, bias, 1, 1, 0, 0, 1).toFloatArray();
        for (int i = 0; i < 150; i++) {
            assertArrayEquals(c3, CPU.conv2d(x, w3, bias, 2, 1, 1, 1, 1).toFloatArray(), "3x3 call " + (i + 2));
            assertArrayEquals(c1, CPU.conv2d(x, w1, bias, 1, 1, 0, 0, 1).toFloatArray(), "1x1 call " + (i + 2));
        }
    }
}
