package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.Tolerances;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.dimba4j.kernels.opencl.OpenClTestSupport.assertClose;
import static org.dimba4j.kernels.opencl.OpenClTestSupport.rand;

/**
 * The CPU backend's parity shape sets (kernels/src/test/.../cpu), run on OpenCL against the CPU backend: odd sizes,
 * sizes just past the tiles, long K and long sequences.
 */
class OpenClCpuShapeSetsParityTest {
    /** Relative to the RMS of the expected values for long dot products (K up to 1031). */
    static final double DOT_REL = 1e-5;

    private final Backend cpu = new CpuBackend();

    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @CsvSource({"1,1,1", "1,7,33", "7,1,7", "7,33,1", "33,33,33", "6,32,32", "13,17,47", "1037,5,3",
            "3,1029,5", "5,3,1031", "200,600,70", "64,64,130", "97,513,49"})
    void matmulEveryTransposeCombination(int m, int k, int n) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(m * 31L + k * 7L + n);
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            Tensor a = ta ? rand(r, k, m) : rand(r, m, k), b = tb ? rand(r, n, k) : rand(r, k, n);
            assertCloseRms("matmul " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb, cpu.matmul(a, b, ta, tb),
                    cl.download(cl.matmul(a, b, ta, tb)), DOT_REL);
        }
    }

    @ParameterizedTest(name = "{0} rows={1} in={2} out={3}")
    @CsvSource({"F32,1,1,1", "F32,7,33,65", "F16,7,33,65", "BF16,7,33,65", "BF16,130,257,96", "F16,1,1152,35",
            "F32,300,17,1", "F32,3,600,1100"})
    void linearWithWeightsOfEveryDtype(DType dt, int rows, int in, int out) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(rows * 131L + in * 17L + out);
        Tensor x = rand(r, 1, rows, in);
        Tensor w = OpenClLinearAlgebraParityTest.segment(rand(r, out, in), dt), bias = OpenClLinearAlgebraParityTest.segment(rand(r, out), dt);
        assertCloseRms("linear " + dt, cpu.linear(x, w, bias), cl.download(cl.linear(x, w, bias)), DOT_REL);
    }

    @ParameterizedTest(name = "b={0} lq={1} lk={2} heads={3} d={4}")
    @CsvSource({"1,1,1,1,1", "1,7,7,1,7", "2,33,17,3,8", "1,5,300,2,72", "2,70,129,2,16", "1,130,40,4,33", "1,1,1000,1,64"})
    void attentionPlainMaskedAndBiased(int b, int lq, int lk, int heads, int d) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(b * 1000L + lq * 31L + lk);
        Tensor q = rand(r, b, lq, heads * d), k = rand(r, b, lk, heads * d), v = rand(r, b, lk, heads * d);
        float scale = (float) (1 / Math.sqrt(d));
        long[] mask = new long[b * lk];
        for (int i = 0; i < mask.length; i++) mask[i] = r.nextInt(3) == 0 ? 0 : 1;
        Tensor m = Tensor.ofLongs(mask, b, lk), bias = rand(r, heads, lq, lk);
        assertClose("attention", cpu.attention(q, k, v, heads, scale, m, bias), cl.download(cl.attention(q, k, v, heads, scale, m, bias)), 2e-5, 1e-4);
    }

    @ParameterizedTest(name = "b={0} l={1} e={2} n={3}")
    @CsvSource({"1,1,1,1", "1,7,7,16", "2,33,33,16", "1,1000,20,16", "2,17,48,4", "1,64,130,16", "1,5,16,7"})
    void selectiveScan(int b, int l, int e, int n) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(b + l * 7L + e * 11L + n);
        Tensor u = rand(r, b, l, e), delta = rand(r, b, l, e);
        float[] aLog = new float[e * n];
        for (int i = 0; i < aLog.length; i++) aLog[i] = (float) -Math.exp(2.8 * r.nextFloat());
        Tensor a = Tensor.of(aLog, e, n), bb = rand(r, b, l, n), cc = rand(r, b, l, n), d = rand(r, e), z = rand(r, b, l, e), bias = rand(r, e);
        assertClose("scan", cpu.selectiveScan(u, delta, a, bb, cc, d, z, bias, true),
                cl.download(cl.selectiveScan(u, delta, a, bb, cc, d, z, bias, true)), 1e-4, 1e-4);
    }

    @ParameterizedTest(name = "n={0} c={1} hw={2}x{3} o={4} k={5}x{6} s={7} p={8} g={9}")
    @CsvSource({"1,1,1,1,1,1,1,1,0,1", "2,3,7,9,5,3,3,1,1,1", "1,4,8,8,6,1,1,1,0,1", "1,8,9,7,8,3,3,2,1,2",
            "1,6,11,11,6,3,3,1,1,6", "2,5,16,17,33,3,3,2,0,1", "1,3,6,6,4,2,2,2,0,1", "1,16,33,33,16,3,3,1,1,1",
            "1,4,5,5,4,5,3,1,2,2", "1,12,10,10,40,1,1,1,0,4"})
    void conv2d(int n, int c, int h, int w, int o, int kh, int kw, int s, int p, int g) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(n + c * 7L + h * 13L + o * 17L + kh + g);
        Tensor x = rand(r, n, c, h, w), wt = rand(r, o, c / g, kh, kw), bias = rand(r, o);
        assertCloseRms("conv2d", cpu.conv2d(x, wt, bias, s, s, p, p, g), cl.download(cl.conv2d(x, wt, bias, s, s, p, p, g)), DOT_REL);
    }

    @ParameterizedTest(name = "b={0} l={1} c={2} k={3}")
    @CsvSource({"1,1,1,4", "2,7,33,4", "1,1000,17,4", "2,9,64,3", "1,3,5,1", "1,2,40,4"})
    void causalConv1d(int b, int l, int c, int k) {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(b + l * 3L + c * 5L + k);
        Tensor x = rand(r, b, l, c), w = rand(r, c, 1, k), bias = rand(r, c);
        assertClose("causalConv1d", cpu.causalConv1d(x, w, bias), cl.download(cl.causalConv1d(x, w, bias)), 1e-5, 1e-5);
    }

    /** |a - e| &lt;= rel * (rms(e) + |e|): long f32 sums against another summation order. */
    static void assertCloseRms(String what, Tensor expected, Tensor actual, double rel) {
        assertClose(what, expected, actual, Tolerances.rmsAtol(expected, rel), rel);
    }
}
