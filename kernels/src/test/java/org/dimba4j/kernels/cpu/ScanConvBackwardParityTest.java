package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.ScanGrads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.asSegment;
import static org.dimba4j.kernels.cpu.Parity.assertCloseRms;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.dimba4j.kernels.cpu.Parity.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The CPU selective-scan, causal-conv1d and conv2d backwards against the reference (f32 accumulation against double,
 * so tolerances scale with each gradient's RMS), and the scan's task split giving the same bits in parallel and
 * sequentially.
 */
class ScanConvBackwardParityTest {
    /**
     * |cpu - ref| &lt;= rel (rms + |ref|) per gradient tensor (Parity.assertCloseRms); measured worst over these
     * shapes: 1.5e-6 (dA), 1.3e-6 (dDeltaBias), 1.2e-6 (du, dDelta); the conv1d's 5e-7 (dWeight) against its 1e-5.
     */
    private static final double SCAN_REL = 1e-5;

    private static Tensor decayRates(Random r, int e, int n) {
        float[] a = uniform(r, 0f, 2.8f, e, n).toFloatArray();
        for (int i = 0; i < a.length; i++) a[i] = (float) -Math.exp(a[i]);
        return Tensor.of(a, e, n);
    }

    @ParameterizedTest(name = "b={0} l={1} e={2} n={3}")
    @CsvSource({"1,1,1,1", "1,7,7,16", "2,33,33,16", "1,1000,20,16", "2,17,70,4", "1,40,97,16", "1,5,16,7", "2,150,48,16"})
    void scanEveryOptionCombination(int b, int l, int e, int n) {
        Random r = new Random(b + l * 7L + e * 11L + n);
        Tensor u = rand(r, b, l, e), rawDelta = rand(r, b, l, e), smallDelta = uniform(r, 0.001f, 0.2f, b, l, e);
        Tensor a = decayRates(r, e, n), bm = rand(r, b, l, n), cm = rand(r, b, l, n), d = rand(r, e), z = rand(r, b, l, e);
        Tensor bias = rand(r, e), dOut = rand(r, b, l, e);
        for (int opt = 0; opt < 8; opt++) {
            boolean useD = (opt & 1) != 0, useZ = (opt & 2) != 0, softplus = (opt & 4) != 0;
            Tensor delta = softplus ? rawDelta : smallDelta, db = softplus ? bias : null;
            String what = "scan backward D=" + useD + " z=" + useZ + " softplus=" + softplus + " ";
            ScanGrads want = REF.selectiveScanBackward(u, delta, a, bm, cm, useD ? d : null, useZ ? z : null, db, softplus, dOut);
            ScanGrads got = CPU.selectiveScanBackward(u, delta, a, bm, cm, useD ? d : null, useZ ? z : null, db, softplus, dOut);
            assertCloseRms(what + "du", want.du(), got.du(), SCAN_REL);
            assertCloseRms(what + "dDelta", want.dDelta(), got.dDelta(), SCAN_REL);
            assertCloseRms(what + "dA", want.dA(), got.dA(), SCAN_REL);
            assertCloseRms(what + "dB", want.dB(), got.dB(), SCAN_REL);
            assertCloseRms(what + "dC", want.dC(), got.dC(), SCAN_REL);
            if (useD) assertCloseRms(what + "dD", want.dD(), got.dD(), SCAN_REL);
            else assertNull(got.dD(), what + "dD");
            if (useZ) assertCloseRms(what + "dZ", want.dZ(), got.dZ(), SCAN_REL);
            else assertNull(got.dZ(), what + "dZ");
            if (softplus) assertCloseRms(what + "dDeltaBias", want.dDeltaBias(), got.dDeltaBias(), SCAN_REL);
            else assertNull(got.dDeltaBias(), what + "dDeltaBias");
        }
    }

    /** A, D and the delta bias as mapped f16/bf16 parameters, as a loaded checkpoint holds them. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"F16", "BF16"})
    void scanHalfPrecisionParameters(DType dt) {
        Random r = new Random(10);
        int b = 1, l = 21, e = 40, n = 16;
        Tensor u = rand(r, b, l, e), delta = rand(r, b, l, e), bm = rand(r, b, l, n), cm = rand(r, b, l, n), dOut = rand(r, b, l, e);
        Tensor a = asSegment(decayRates(r, e, n), dt), d = asSegment(rand(r, e), dt), bias = asSegment(rand(r, e), dt);
        ScanGrads want = REF.selectiveScanBackward(u, delta, a, bm, cm, d, null, bias, true, dOut);
        ScanGrads got = CPU.selectiveScanBackward(u, delta, a, bm, cm, d, null, bias, true, dOut);
        assertCloseRms("du " + dt, want.du(), got.du(), SCAN_REL);
        assertCloseRms("dA " + dt, want.dA(), got.dA(), SCAN_REL);
        assertCloseRms("dD " + dt, want.dD(), got.dD(), SCAN_REL);
        assertCloseRms("dDeltaBias " + dt, want.dDeltaBias(), got.dDeltaBias(), SCAN_REL);
        assertArrayEquals(new int[] {e, n}, got.dA().shape(), "dA in A's shape");
    }

    /** Tasks are fixed runs of channels, so running them on the pool changes no summation order. */
    @Test
    void scanSameBitsInParallelAndSequentially() {
        Random r = new Random(21);
        int b = 2, l = 64, e = 3 * SelectiveScanBackward.GROUP + 5, n = 16;
        float[] u = rand(r, b, l, e).toFloatArray(), delta = rand(r, b, l, e).toFloatArray(), a = decayRates(r, e, n).toFloatArray();
        float[] bm = rand(r, b, l, n).toFloatArray(), cm = rand(r, b, l, n).toFloatArray(), d = rand(r, e).toFloatArray();
        float[] z = rand(r, b, l, e).toFloatArray(), bias = rand(r, e).toFloatArray(), dOut = rand(r, b, l, e).toFloatArray();
        var in = new ScanOperands(u, delta, a, bm, cm, d, z, bias, true);
        var sd = new org.dimba4j.kernels.OpShapes.ScanDims(b, l, e, n);
        var seq = SelectiveScanBackward.run(in, dOut, sd, false);
        for (int i = 0; i < 3; i++) {
            assertSameBits(seq, SelectiveScanBackward.run(in, dOut, sd, true));
        }
    }

    /**
     * A thread's scan buffers are reused by its next task of the same dimensions: a call after calls of other shapes
     * (and of the same shape on other inputs) gives the bits of the first call.
     */
    @Test
    void scanReusedBuffersCarryNothingOver() {
        Random r = new Random(23);
        java.util.function.IntFunction<Object[]> operands = l -> {
            int b = 2, e = 2 * SelectiveScanBackward.GROUP, n = 16;
            float[] u = rand(r, b, l, e).toFloatArray(), delta = rand(r, b, l, e).toFloatArray(), a = decayRates(r, e, n).toFloatArray();
            float[] bm = rand(r, b, l, n).toFloatArray(), cm = rand(r, b, l, n).toFloatArray(), d = rand(r, e).toFloatArray();
            float[] z = rand(r, b, l, e).toFloatArray(), bias = rand(r, e).toFloatArray(), dOut = rand(r, b, l, e).toFloatArray();
            return new Object[] {new ScanOperands(u, delta, a, bm, cm, d, z, bias, true), dOut, new org.dimba4j.kernels.OpShapes.ScanDims(b, l, e, n)};
        };
        Object[] first = operands.apply(150), other = operands.apply(150), shorter = operands.apply(40);
        var want = run(first);
        run(shorter);
        run(other);
        assertSameBits(want, run(first)); // on the buffers other's tasks left
    }

    private static void assertSameBits(SelectiveScanBackward.Grads want, SelectiveScanBackward.Grads got) {
        assertArrayEquals(want.du(), got.du(), "du");
        assertArrayEquals(want.dDelta(), got.dDelta(), "dDelta");
        assertArrayEquals(want.dA(), got.dA(), "dA");
        assertArrayEquals(want.dB(), got.dB(), "dB");
        assertArrayEquals(want.dC(), got.dC(), "dC");
        assertArrayEquals(want.dD(), got.dD(), "dD");
        assertArrayEquals(want.dZ(), got.dZ(), "dZ");
        assertArrayEquals(want.dDeltaBias(), got.dDeltaBias(), "dDeltaBias");
    }

    private static SelectiveScanBackward.Grads run(Object[] operands) {
        return SelectiveScanBackward.run((ScanOperands) operands[0], (float[]) operands[1],
                (org.dimba4j.kernels.OpShapes.ScanDims) operands[2], false);
    }

    /** The convolutions' backwards split rows, channel runs and GEMM blocks, never a sum: the same bits every call. */
    @Test
    void convBackwardsSameBitsEveryCall() {
        Random r = new Random(22);
        Tensor x = rand(r, 2, 256, 160), w = rand(r, 160, 1, 4), dy = rand(r, 2, 256, 160);
        ConvGrads first = CPU.causalConv1dBackward(x, w, dy, true);
        Tensor img = rand(r, 1, 32, 24, 24), wi = rand(r, 48, 32, 3, 3), dyi = rand(r, 1, 48, 24, 24);
        ConvGrads firstImg = CPU.conv2dBackward(img, wi, dyi, true, 1, 1, 1, 1, 1);
        for (int i = 0; i < 3; i++) {
            ConvGrads again = CPU.causalConv1dBackward(x, w, dy, true);
            assertArrayEquals(first.dx().toFloatArray(), again.dx().toFloatArray(), "conv1d dx");
            assertArrayEquals(first.dWeight().toFloatArray(), again.dWeight().toFloatArray(), "conv1d dWeight");
            assertArrayEquals(first.dBias().toFloatArray(), again.dBias().toFloatArray(), "conv1d dBias");
            ConvGrads againImg = CPU.conv2dBackward(img, wi, dyi, true, 1, 1, 1, 1, 1);
            assertArrayEquals(firstImg.dx().toFloatArray(), againImg.dx().toFloatArray(), "conv2d dx");
            assertArrayEquals(firstImg.dWeight().toFloatArray(), againImg.dWeight().toFloatArray(), "conv2d dWeight");
        }
    }

    @ParameterizedTest(name = "b={0} l={1} c={2} k={3} weight rank {4}")
    @CsvSource({"1,1,1,4,3", "2,9,5,4,3", "1,3,37,4,2", "2,100,70,4,3", "1,16,16,1,2", "3,50,129,4,3"})
    void causalConv1d(int b, int l, int c, int k, int weightRank) {
        Random r = new Random(b + 3L * l + 5L * c + 7L * k);
        Tensor x = rand(r, b, l, c), w = weightRank == 3 ? rand(r, c, 1, k) : rand(r, c, k), dy = rand(r, b, l, c);
        ConvGrads want = REF.causalConv1dBackward(x, w, dy, true), got = CPU.causalConv1dBackward(x, w, dy, true);
        assertCloseRms("conv1d dx", want.dx(), got.dx(), 1e-5);
        assertCloseRms("conv1d dWeight", want.dWeight(), got.dWeight(), 1e-5);
        assertCloseRms("conv1d dBias", want.dBias(), got.dBias(), 1e-5);
        assertNull(CPU.causalConv1dBackward(x, w, dy, false).dBias(), "no bias asked, none given");
    }

    @ParameterizedTest(name = "n={0} c={1} hw={2}x{3} o={4} k={5}x{6} s={7} p={8} g={9}")
    @CsvSource({"1,1,1,1,1,1,1,1,0,1", "2,3,7,9,5,3,3,1,1,1", "1,4,8,8,6,1,1,1,0,1", "1,8,9,7,8,3,3,2,1,2",
            "1,6,11,11,6,3,3,1,1,6", "2,4,16,16,24,2,2,2,0,1", "1,4,5,5,4,5,3,1,2,2", "1,16,33,33,16,3,3,1,1,1"})
    void conv2d(int n, int c, int h, int w, int o, int kh, int kw, int s, int p, int g) {
        Random r = new Random(n + c * 7L + h * 13L + o * 17L + kh + g);
        Tensor x = rand(r, n, c, h, w), wt = rand(r, o, c / g, kh, kw);
        int ho = (h + 2 * p - kh) / s + 1, wo = (w + 2 * p - kw) / s + 1;
        Tensor dy = rand(r, n, o, ho, wo);
        ConvGrads want = REF.conv2dBackward(x, wt, dy, true, s, s, p, p, g), got = CPU.conv2dBackward(x, wt, dy, true, s, s, p, p, g);
        assertCloseRms("conv2d dx", want.dx(), got.dx(), 1e-5);
        assertCloseRms("conv2d dWeight", want.dWeight(), got.dWeight(), 1e-5);
        assertCloseRms("conv2d dBias", want.dBias(), got.dBias(), 1e-5);
        assertNull(CPU.conv2dBackward(x, wt, dy, false, s, s, p, p, g).dBias(), "no bias asked, none given");
    }

    /** A mapped half-precision weight (as the patch embed's) and unequal strides and padding. */
    @Test
    void conv2dHalfWeightsAndUnequalStride() {
        Random r = new Random(8);
        Tensor x = rand(r, 2, 8, 13, 10), dy = rand(r, 2, 12, 7, 8);
        for (DType dt : new DType[] {DType.F16, DType.BF16}) {
            Tensor wt = asSegment(rand(r, 12, 8, 3, 3), dt);
            ConvGrads want = REF.conv2dBackward(x, wt, dy, true, 2, 1, 1, 0, 1), got = CPU.conv2dBackward(x, wt, dy, true, 2, 1, 1, 0, 1);
            assertCloseRms("conv2d dx " + dt, want.dx(), got.dx(), 1e-5);
            assertCloseRms("conv2d dWeight " + dt, want.dWeight(), got.dWeight(), 1e-5);
        }
    }

    @Test
    void wrongOutputGradientShapeIsRejected() {
        Random r = new Random(5);
        Tensor u = rand(r, 1, 4, 2), a = decayRates(r, 2, 3), bm = rand(r, 1, 4, 3);
        assertThrows(IllegalArgumentException.class,
                () -> CPU.selectiveScanBackward(u, u, a, bm, bm, null, null, null, false, rand(r, 1, 2, 4)));
        assertThrows(IllegalArgumentException.class, () -> CPU.causalConv1dBackward(u, rand(r, 2, 4), rand(r, 1, 4, 3), true));
        assertThrows(IllegalArgumentException.class,
                () -> CPU.conv2dBackward(rand(r, 1, 4, 8, 8), rand(r, 8, 4, 2, 2), rand(r, 1, 8, 8, 8), true, 2, 2, 0, 0, 1));
    }
}
