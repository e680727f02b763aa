package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.ScanGrads;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

import static org.dimba4j.kernels.opencl.DoubleOracle.d;
import static org.dimba4j.kernels.opencl.DoubleOracle.gradient;
import static org.dimba4j.kernels.opencl.OpenClTestSupport.assertClose;
import static org.dimba4j.kernels.opencl.OpenClTestSupport.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Backward kernels of the selective scan, causal conv1d, conv2d and embedding on OpenCL against {@link DoubleOracle}
 * (finite differences of double-precision forwards), with and without the optional operands.
 */
class OpenClSequenceBackwardParityTest {
    /** f32 recurrences over up to 11 steps and sums of up to ~500 products against double central differences. */
    static final double ATOL = 2e-4, RTOL = 2e-4;

    private static float[] f(Tensor x) {
        return x.toFloatArray();
    }

    @Test
    void selectiveScanBackwardWithAndWithoutOptionalInputs() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(81);
        // {B, L, E, N}
        for (int[] s : new int[][] {{1, 1, 1, 1}, {2, 7, 5, 4}, {1, 11, 3, 16}, {3, 4, 6, 3}}) {
            int b = s[0], l = s[1], e = s[2], n = s[3];
            Tensor u = rand(r, b, l, e), delta = scale(rand(r, b, l, e), 0.5f), a = negExp(rand(r, e, n));
            Tensor bm = rand(r, b, l, n), cm = rand(r, b, l, n), dd = rand(r, e), z = rand(r, b, l, e), db = rand(r, e);
            Tensor dOut = rand(r, b, l, e);
            for (boolean full : new boolean[] {true, false}) {
                String what = "scan " + Arrays.toString(s) + (full ? " D, z, deltaBias, softplus" : " bare");
                Tensor dl = full ? delta : softplus(delta);
                Tensor d = full ? dd : null, zz = full ? z : null, bias = full ? db : null;
                double[][] in = {d(f(u)), d(f(dl)), d(f(a)), d(f(bm)), d(f(cm)), d(f(dd)), d(f(z)), d(f(db))};
                Function<double[][], double[]> fwd = x -> DoubleOracle.scan(x[0], x[1], x[2], x[3], x[4],
                        full ? x[5] : null, full ? x[6] : null, full ? x[7] : null, full, b, l, e, n);
                ScanGrads g = cl.selectiveScanBackward(u, dl, a, bm, cm, d, zz, bias, full, dOut);
                float[] dy = f(dOut);
                Tensor[] got = {g.du(), g.dDelta(), g.dA(), g.dB(), g.dC(), g.dD(), g.dZ(), g.dDeltaBias()};
                Tensor[] like = {u, dl, a, bm, cm, dd, z, db};
                String[] names = {"du", "dDelta", "dA", "dB", "dC", "dD", "dZ", "dDeltaBias"};
                for (int i = 0; i < got.length; i++) {
                    if (!full && i >= 5) {
                        assertNull(got[i], what + ": " + names[i] + " without its operand");
                        continue;
                    }
                    assertClose(what + " " + names[i], Tensor.of(gradient(fwd, in, dy, i), like[i].shape()),
                            cl.download(got[i]), ATOL, RTOL);
                }
            }
        }
    }

    private static Tensor scale(Tensor x, float s) {
        float[] v = f(x);
        for (int i = 0; i < v.length; i++) v[i] *= s;
        return Tensor.of(v, x.shape());
    }

    /** -exp(x): Mamba's A = -exp(A_log). */
    private static Tensor negExp(Tensor x) {
        float[] v = f(x);
        for (int i = 0; i < v.length; i++) v[i] = (float) -Math.exp(v[i]);
        return Tensor.of(v, x.shape());
    }

    private static Tensor softplus(Tensor x) {
        float[] v = f(x);
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.log1p(Math.exp(v[i]));
        return Tensor.of(v, x.shape());
    }

    @Test
    void causalConv1dBackward() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(82);
        // {B, L, C, K}
        for (int[] s : new int[][] {{1, 1, 1, 4}, {2, 9, 5, 4}, {1, 3, 7, 4}, {3, 6, 2, 2}}) {
            int b = s[0], l = s[1], c = s[2], k = s[3];
            Tensor x = rand(r, b, l, c), w = rand(r, c, 1, k), bias = rand(r, c), dy = rand(r, b, l, c);
            double[][] in = {d(f(x)), d(f(w)), d(f(bias))};
            Function<double[][], double[]> fwd = a -> DoubleOracle.conv1d(a[0], a[1], a[2], b, l, c, k);
            String what = "conv1d " + Arrays.toString(s);
            ConvGrads g = cl.causalConv1dBackward(x, w, dy, true);
            assertClose(what + " dx", Tensor.of(gradient(fwd, in, f(dy), 0), x.shape()), cl.download(g.dx()), ATOL, RTOL);
            assertClose(what + " dW", Tensor.of(gradient(fwd, in, f(dy), 1), w.shape()), cl.download(g.dWeight()), ATOL, RTOL);
            assertClose(what + " dBias", Tensor.of(gradient(fwd, in, f(dy), 2), c), cl.download(g.dBias()), ATOL, RTOL);
            ConvGrads noBias = cl.causalConv1dBackward(x, w.reshape(c, k), dy, false);
            assertNull(noBias.dBias(), "no dBias unless asked");
            assertClose(what + " dW [C, K]", Tensor.of(gradient(fwd, in, f(dy), 1), c, k), cl.download(noBias.dWeight()), ATOL, RTOL);
        }
    }

    @Test
    void conv2dBackwardStridesPaddingGroups() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(83);
        // {N, C, H, W, O, kh, kw, sh, sw, ph, pw, groups}
        int[][] cases = {{1, 3, 7, 6, 5, 3, 3, 1, 1, 1, 1, 1}, {2, 4, 8, 7, 6, 3, 3, 2, 2, 0, 0, 2},
                {1, 8, 5, 5, 8, 1, 1, 1, 1, 0, 0, 1}, {1, 4, 6, 10, 2, 2, 2, 2, 2, 0, 0, 1},
                {2, 4, 5, 7, 4, 3, 3, 1, 1, 1, 1, 4}, {1, 3, 6, 8, 2, 3, 1, 2, 1, 1, 0, 1}};
        for (int[] cs : cases) {
            Tensor x = rand(r, cs[0], cs[1], cs[2], cs[3]), w = rand(r, cs[4], cs[1] / cs[11], cs[5], cs[6]), bias = rand(r, cs[4]);
            int ho = (cs[2] + 2 * cs[9] - cs[5]) / cs[7] + 1, wo = (cs[3] + 2 * cs[10] - cs[6]) / cs[8] + 1;
            Tensor dy = rand(r, cs[0], cs[4], ho, wo);
            double[][] in = {d(f(x)), d(f(w)), d(f(bias))};
            Function<double[][], double[]> fwd = a -> DoubleOracle.conv2d(a[0], a[1], a[2], cs);
            String what = "conv2d " + Arrays.toString(cs);
            for (boolean withBias : new boolean[] {true, false}) {
                ConvGrads g = cl.conv2dBackward(x, w, dy, withBias, cs[7], cs[8], cs[9], cs[10], cs[11]);
                assertClose(what + " dx", Tensor.of(gradient(fwd, in, f(dy), 0), x.shape()), cl.download(g.dx()), ATOL, RTOL);
                assertClose(what + " dW", Tensor.of(gradient(fwd, in, f(dy), 1), w.shape()), cl.download(g.dWeight()), ATOL, RTOL);
                if (withBias) {
                    assertClose(what + " dBias", Tensor.of(gradient(fwd, in, f(dy), 2), cs[4]), cl.download(g.dBias()), ATOL, RTOL);
                } else {
                    assertNull(g.dBias(), "no dBias unless asked");
                }
            }
        }
        Tensor x = rand(r, 1, 2, 4, 4), w = rand(r, 3, 2, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> cl.conv2dBackward(x, w, rand(r, 1, 3, 3, 3), false, 1, 1, 1, 1, 1));
    }

    @Test
    void embeddingBackwardSumsRepeatedIds() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(84);
        int rows = 11, dim = 13;
        long[] ids = new long[2 * 9];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(7); // repeats; rows 7..10 never picked: zero
        ids[5] = 10;
        Tensor idt = Tensor.ofLongs(ids, 2, 9), dOut = rand(r, 2, 9, dim);
        float[] g = f(dOut);
        double[] e = new double[rows * dim];
        for (int p = 0; p < ids.length; p++) {
            for (int j = 0; j < dim; j++) e[(int) ids[p] * dim + j] += g[p * dim + j];
        }
        assertClose("embeddingBackward", Tensor.of(OpenClBackwardParityTest.toF(e), rows, dim),
                cl.download(cl.embeddingBackward(idt, dOut, rows)), 1e-5, 1e-5);
        assertThrows(IllegalArgumentException.class, () -> cl.embeddingBackward(idt, dOut, 10), "id 10 outside 10 rows");
        assertThrows(IllegalArgumentException.class, () -> cl.embeddingBackward(idt, rand(r, 2, 8, dim), rows));
        float[] empty = f(cl.download(cl.embeddingBackward(Tensor.ofLongs(new long[0], 0), Tensor.zeros(0, dim), 3)));
        assertEquals(3 * dim, empty.length);
        for (float v : empty) assertEquals(0f, v, "no ids: zero gradient");
    }
}
