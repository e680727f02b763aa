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
import static org.dimba4j.kernels.cpu.Parity.assertClose;
import static org.dimba4j.kernels.cpu.Parity.assertCloseRms;
import static org.dimba4j.kernels.cpu.Parity.rand;

/** conv2d, causal conv1d, padding and upsampling against the reference. */
class ConvParityTest {

    @ParameterizedTest(name = "n={0} c={1} hw={2}x{3} o={4} k={5}x{6} s={7} p={8} g={9}")
    @CsvSource({"1,1,1,1,1,1,1,1,0,1", "2,3,7,9,5,3,3,1,1,1", "1,4,8,8,6,1,1,1,0,1", "1,8,9,7,8,3,3,2,1,2",
            "1,6,11,11,6,3,3,1,1,6", "2,5,16,17,33,3,3,2,0,1", "1,3,6,6,4,2,2,2,0,1", "1,16,33,33,16,3,3,1,1,1",
            "1,4,5,5,4,5,3,1,2,2", "1,12,10,10,40,1,1,1,0,4"})
    void conv2dShapes(int n, int c, int h, int w, int o, int kh, int kw, int s, int p, int g) {
        Random r = new Random(n + c * 7L + h * 13L + o * 17L + kh + g);
        Tensor x = rand(r, n, c, h, w), wt = rand(r, o, c / g, kh, kw), bias = rand(r, o);
        assertCloseRms("conv2d", REF.conv2d(x, wt, bias, s, s, p, p, g), CPU.conv2d(x, wt, bias, s, s, p, p, g), 1e-5);
        assertCloseRms("conv2d no bias", REF.conv2d(x, wt, null, s, s, p, p, g), CPU.conv2d(x, wt, null, s, s, p, p, g), 1e-5);
    }

    @Test
    void conv2dHalfWeightsAndUnequalStride() {
        Random r = new Random(7);
        Tensor x = rand(r, 1, 8, 13, 10);
        for (DType dt : new DType[] {DType.F16, DType.BF16}) {
            Tensor wt = asSegment(rand(r, 12, 8, 3, 3), dt), bias = asSegment(rand(r, 12), dt);
            assertCloseRms("conv2d " + dt, REF.conv2d(x, wt, bias, 2, 1, 1, 0, 1), CPU.conv2d(x, wt, bias, 2, 1, 1, 0, 1), 1e-5);
        }
    }

    @ParameterizedTest(name = "b={0} l={1} c={2} k={3}")
    @CsvSource({"1,1,1,4", "2,7,33,4", "1,1000,17,4", "2,9,64,3", "1,3,5,1", "1,2,40,4"})
    void causalConv1d(int b, int l, int c, int k) {
        Random r = new Random(b + l * 3L + c * 5L + k);
        Tensor x = rand(r, b, l, c), w = rand(r, c, 1, k), bias = rand(r, c);
        assertClose("causalConv1d", REF.causalConv1d(x, w, bias), CPU.causalConv1d(x, w, bias), 1e-5, 1e-5);
        Tensor w2 = asSegment(rand(r, c, k), DType.BF16);
        assertClose("causalConv1d [C,K] bf16, no bias", REF.causalConv1d(x, w2, null), CPU.causalConv1d(x, w2, null), 1e-5, 1e-5);
    }

    @Test
    void padAndUpsample() {
        Random r = new Random(8);
        Tensor x = rand(r, 2, 3, 5, 7);
        assertClose("pad2d", REF.pad2d(x, 1, 2, 0, 3), CPU.pad2d(x, 1, 2, 0, 3), 0, 0);
        assertClose("upsample", REF.upsampleNearest2d(x, 2), CPU.upsampleNearest2d(x, 2), 0, 0);
        assertClose("upsample 3", REF.upsampleNearest2d(x, 3), CPU.upsampleNearest2d(x, 3), 0, 0);
    }
}
