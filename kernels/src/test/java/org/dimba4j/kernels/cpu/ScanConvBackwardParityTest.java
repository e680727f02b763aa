package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.ScanGrads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.assertCloseRms;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.dimba4j.kernels.cpu.Parity.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The CPU selective-scan and causal-conv1d backwards against the reference (f32 accumulation against double,
 * so tolerances scale with each gradient's RMS), and the scan's task split giving the same bits in parallel and
 * sequentially.
 */
class ScanConvBackwardParityTest {
    /**
     * |cpu - ref| &lt;= rel (rms + |ref|) per gradient tensor (Parity.assertCloseRms); measured worst over these
     * shapes: 1.2e-6 (dDelta), 1.0e-6 (dA); the conv1d's 5e-7 (dWeight) against its 1e-5.
     */
    private static final double SCAN_REL = 1e-5;

    private static Tensor decayRates(Random r, int e, int n) {
        float[] a = uniform(r, 0f, 2.8f, e, n).toFloatArray();
        for (int i = 0; i < a.length; i++) a[i] = (float) -Math.exp(a[i]);
        return Tensor.of(a, e, n);
    }

    @ParameterizedTest(name = "b={0} l={1} e={2} n={3}")
    @CsvSource({"1,1,1,1", "1,7,7,16", "2,33,33,16", "1,1000,20,16", "2,17,70,4", "1,40,97,16", "1,5,16,7"})
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

    /** Tasks are fixed runs of channels, so running them on the pool changes no summation order. */
    @Test
    void scanSameBitsInParallelAndSequentially() {
        Random r = new Random(21);
        int b = 2, l = 64, e = 3 * SelectiveScanBackward.GROUP + 5, n = 16;
        float[] u = rand(r, b, l, e).toFloatArray(), delta = rand(r, b, l, e).toFloatArray(), a = decayRates(r, e, n).toFloatArray();
        float[] bm = rand(r, b, l, n).toFloatArray(), cm = rand(r, b, l, n).toFloatArray(), d = rand(r, e).toFloatArray();
        float[] z = rand(r, b, l, e).toFloatArray(), bias = rand(r, e).toFloatArray(), dOut = rand(r, b, l, e).toFloatArray();
        var seq = SelectiveScanBackward.run(u, delta, a, bm, cm, d, z, bias, true, dOut, b, l, e, n, false);
        for (int i = 0; i < 3; i++) {
            var par = SelectiveScanBackward.run(u, delta, a, bm, cm, d, z, bias, true, dOut, b, l, e, n, true);
            assertArrayEquals(seq.du(), par.du(), "du");
            assertArrayEquals(seq.dDelta(), par.dDelta(), "dDelta");
            assertArrayEquals(seq.dA(), par.dA(), "dA");
            assertArrayEquals(seq.dB(), par.dB(), "dB");
            assertArrayEquals(seq.dC(), par.dC(), "dC");
            assertArrayEquals(seq.dD(), par.dD(), "dD");
            assertArrayEquals(seq.dZ(), par.dZ(), "dZ");
            assertArrayEquals(seq.dDeltaBias(), par.dDeltaBias(), "dDeltaBias");
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

    @Test
    void wrongOutputGradientShapeIsRejected() {
        Random r = new Random(5);
        Tensor u = rand(r, 1, 4, 2), a = decayRates(r, 2, 3), bm = rand(r, 1, 4, 3);
        assertThrows(IllegalArgumentException.class,
                () -> CPU.selectiveScanBackward(u, u, a, bm, bm, null, null, null, false, rand(r, 1, 2, 4)));
        assertThrows(IllegalArgumentException.class, () -> CPU.causalConv1dBackward(u, rand(r, 2, 4), rand(r, 1, 4, 3), true));
    }
}
