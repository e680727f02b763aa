package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.asSegment;
import static org.dimba4j.kernels.cpu.Parity.assertCloseRms;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** CpuBackend.matmul and linear against the reference, over odd shapes, every transpose and weight dtype. */
class MatmulParityTest {

    private static Tensor operand(Random r, boolean trans, int rows, int cols, int... batch) {
        int[] s = new int[batch.length + 2];
        System.arraycopy(batch, 0, s, 0, batch.length);
        s[batch.length] = trans ? cols : rows;
        s[batch.length + 1] = trans ? rows : cols;
        return rand(r, s);
    }

    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @CsvSource({"1,1,1", "1,7,33", "7,1,7", "7,33,1", "33,33,33", "6,32,32", "13,17,47", "1037,5,3",
            "3,1029,5", "5,3,1031", "200,600,70", "64,64,130", "97,513,49"})
    void everyTransposeCombination(int m, int k, int n) {
        Random r = new Random(m * 31L + k * 7L + n);
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            Tensor a = operand(r, ta, m, k), b = operand(r, tb, k, n);
            assertCloseRms("matmul " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb,
                    REF.matmul(a, b, ta, tb), CPU.matmul(a, b, ta, tb), 1e-5);
        }
    }

    @Test
    void batchedAndSharedB() {
        Random r = new Random(1);
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            Tensor a = operand(r, ta, 9, 35, 2, 3), b = operand(r, tb, 35, 17, 2, 3), shared = operand(r, tb, 35, 17);
            assertCloseRms("batched ta=" + ta + " tb=" + tb, REF.matmul(a, b, ta, tb), CPU.matmul(a, b, ta, tb), 1e-5);
            assertCloseRms("shared b ta=" + ta + " tb=" + tb, REF.matmul(a, shared, ta, tb), CPU.matmul(a, shared, ta, tb), 1e-5);
        }
    }

    @Test
    void halfPrecisionRightOperands() {
        Random r = new Random(2);
        for (DType dt : new DType[] {DType.F16, DType.BF16, DType.F32}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = rand(r, 2, 19, 70), b = asSegment(operand(r, tb, 70, 37), dt);
                assertCloseRms("matmul " + dt + " tb=" + tb, REF.matmul(a, b, false, tb), CPU.matmul(a, b, false, tb), 1e-5);
            }
        }
    }

    @ParameterizedTest(name = "{0} rows={1} in={2} out={3}")
    @CsvSource({"F32,1,1,1", "F32,7,33,65", "F16,7,33,65", "BF16,7,33,65", "BF16,130,257,96", "F16,1,1152,35",
            "F32,300,17,1", "F32,3,600,1100"})
    void linearWithWeightsOfEveryDtype(DType dt, int rows, int in, int out) {
        Random r = new Random(rows * 131L + in * 17L + out);
        Tensor x = rand(r, 1, rows, in), w = asSegment(rand(r, out, in), dt), bias = asSegment(rand(r, out), dt);
        assertCloseRms("linear " + dt, REF.linear(x, w, bias), CPU.linear(x, w, bias), 1e-5);
        assertCloseRms("linear no bias " + dt, REF.linear(x, w, null), CPU.linear(x, w, null), 1e-5);
    }

    @Test
    void repeatedCallsOnTheSameWeightAgree() {
        // the packed form of a weight may be cached: the second call must see the same values
        Random r = new Random(3);
        Tensor w = asSegment(rand(r, 64, 48), DType.BF16), x1 = rand(r, 5, 48), x2 = rand(r, 40, 48);
        assertCloseRms("first", REF.linear(x1, w, null), CPU.linear(x1, w, null), 1e-5);
        assertCloseRms("second", REF.linear(x2, w, null), CPU.linear(x2, w, null), 1e-5);
    }

    @Test
    void shapeErrorsNameTheShapes() {
        Random r = new Random(4);
        assertThrows(IllegalArgumentException.class, () -> CPU.matmul(rand(r, 3, 4), rand(r, 5, 6), false, false));
        assertThrows(IllegalArgumentException.class, () -> CPU.linear(rand(r, 3, 4), rand(r, 5, 6), null));
        assertThrows(IllegalArgumentException.class, () -> CPU.matmul(rand(r, 2, 3, 4), rand(r, 3, 4, 6), false, false));
    }
}
