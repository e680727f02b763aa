package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.asSegment;
import static org.dimba4j.kernels.cpu.Parity.assertClose;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Broadcasting arithmetic, reductions and layout ops (CpuBackend's own copies) against the reference (these are exact). */
class ElementwiseLayoutParityTest {
    private static final int[][][] PAIRS = {
            {{7}, {7}}, {{1}, {1}}, {{3, 33}, {3, 33}}, {{2, 5, 33}, {33}}, {{2, 5, 33}, {1}}, {{2, 5, 33}, {5, 1}},
            {{2, 1, 33}, {1, 4, 33}}, {{1}, {3, 1000}}, {{4, 1}, {1, 17}}, {{2, 3, 4, 5}, {3, 1, 5}}, {{1000, 18}, {18}},
            {{2, 6, 48}, {2, 1, 48}}, {{17}, {2, 17}}};

    @Test
    void broadcastingArithmetic() {
        Random r = new Random(11);
        for (int[][] p : PAIRS) {
            Tensor a = rand(r, p[0]), b = rand(r, p[1]);
            String s = java.util.Arrays.toString(p[0]) + " " + java.util.Arrays.toString(p[1]);
            assertClose("add " + s, REF.add(a, b), CPU.add(a, b), 0, 1e-7);
            assertClose("sub " + s, REF.sub(a, b), CPU.sub(a, b), 0, 1e-7);
            assertClose("mul " + s, REF.mul(a, b), CPU.mul(a, b), 0, 1e-7);
            assertClose("div " + s, REF.div(a, b), CPU.div(a, b), 0, 1e-6);
            assertClose("add swapped " + s, REF.add(b, a), CPU.add(b, a), 0, 1e-7);
            Tensor bh = asSegment(b, DType.BF16);
            assertClose("mul bf16 " + s, REF.mul(a, bh), CPU.mul(a, bh), 0, 1e-7);
        }
        assertThrows(IllegalArgumentException.class, () -> CPU.add(rand(r, 3, 4), rand(r, 5)));
    }

    @Test
    void affineAndFull() {
        Random r = new Random(12);
        Tensor x = rand(r, 3, 1001);
        assertClose("affine", REF.affine(x, 1.5f, -2f), CPU.affine(x, 1.5f, -2f), 1e-6, 1e-6);
        assertClose("scale", REF.scale(x, 0.25f), CPU.scale(x, 0.25f), 0, 0);
        assertClose("full", REF.full(2.5f, 3, 7), CPU.full(2.5f, 3, 7), 0, 0);
    }

    @Test
    void reductionsOverEveryDim() {
        Random r = new Random(13);
        for (int[] s : new int[][] {{7}, {1, 1}, {3, 33}, {2, 5, 1000}, {4, 3, 17, 2}}) {
            Tensor x = rand(r, s);
            for (int d = -1; d < s.length; d++) {
                assertClose("sum dim " + d, REF.sum(x, d), CPU.sum(x, d), 1e-4, 1e-5);
                assertClose("mean dim " + d, REF.mean(x, d), CPU.mean(x, d), 1e-5, 1e-5);
                assertClose("max dim " + d, REF.max(x, d), CPU.max(x, d), 0, 0);
            }
        }
    }

    @Test
    void layoutOps() {
        Random r = new Random(14);
        Tensor x = rand(r, 2, 3, 5, 7);
        int[][] perms = {{0, 1, 2, 3}, {0, 2, 3, 1}, {3, 2, 1, 0}, {1, 0, 3, 2}, {0, 1, 3, 2}};
        for (int[] p : perms) assertClose("permute " + java.util.Arrays.toString(p), REF.permute(x, p), CPU.permute(x, p), 0, 0);
        Tensor big = rand(r, 33, 1000);
        assertClose("permute 2-D transpose", REF.permute(big, 1, 0), CPU.permute(big, 1, 0), 0, 0);
        for (int d = 0; d < 4; d++) {
            assertClose("slice " + d, REF.slice(x, d, 1, x.dim(d)), CPU.slice(x, d, 1, x.dim(d)), 0, 0);
            assertClose("flip " + d, REF.flip(x, d), CPU.flip(x, d), 0, 0);
            Tensor y = rand(r, d == 0 ? 4 : 2, d == 1 ? 1 : 3, d == 2 ? 2 : 5, d == 3 ? 9 : 7);
            assertClose("concat " + d, REF.concat(d, x, y, x), CPU.concat(d, x, y, x), 0, 0);
        }
        Tensor ids = Tensor.ofLongs(new long[] {0, 49, 7, 7, 3, 12}, 2, 3);
        Tensor table = rand(r, 50, 33);
        for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Tensor t = asSegment(table, dt);
            assertClose("embedding " + dt, REF.embedding(t, ids), CPU.embedding(t, ids), 0, 0);
        }
        assertClose("embedding heap f32", REF.embedding(table, ids), CPU.embedding(table, ids), 0, 0);
        assertThrows(IllegalArgumentException.class, () -> CPU.embedding(table, Tensor.ofLongs(new long[] {50}, 1)));
        assertThrows(IllegalArgumentException.class, () -> CPU.slice(x, 1, 2, 4));
    }

    /** Mapped (segment) inputs, a flip of the last axis, and copies big enough to be split over the pool. */
    @Test
    void layoutOpsOnSegmentsAndBigTensors() {
        Random r = new Random(15);
        Tensor x = rand(r, 2, 3, 5, 7);
        for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Tensor xs = asSegment(x, dt);
            for (int d = 0; d < 4; d++) {
                assertClose("slice " + dt + " " + d, REF.slice(xs, d, 1, x.dim(d) - 1), CPU.slice(xs, d, 1, x.dim(d) - 1), 0, 0);
                assertClose("flip " + dt + " " + d, REF.flip(xs, d), CPU.flip(xs, d), 0, 0);
                assertClose("concat " + dt + " " + d, REF.concat(d, xs, x), CPU.concat(d, xs, x), 0, 0);
            }
        }
        // [2, 1024, 288]: 590k elements, above the threshold where the copies are shared out
        Tensor big = rand(r, 2, 1024, 288), bigH = asSegment(big, DType.BF16);
        for (int d = 0; d < 3; d++) {
            assertClose("big slice " + d, REF.slice(big, d, 1, big.dim(d)), CPU.slice(big, d, 1, big.dim(d)), 0, 0);
            assertClose("big flip " + d, REF.flip(big, d), CPU.flip(big, d), 0, 0);
            assertClose("big concat " + d, REF.concat(d, big, bigH), CPU.concat(d, big, bigH), 0, 0);
        }
        assertClose("big slice bf16", REF.slice(bigH, 0, 1, 2), CPU.slice(bigH, 0, 1, 2), 0, 0);
        long[] many = new long[1000];
        for (int i = 0; i < many.length; i++) many[i] = r.nextInt(2048);
        Tensor ids = Tensor.ofLongs(many, 2, 500), table = asSegment(rand(r, 2048, 300), DType.F16);
        assertClose("big embedding f16", REF.embedding(table, ids), CPU.embedding(table, ids), 0, 0);
    }
}
