package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.dimba4j.kernels.opencl.DoubleOracle.d;
import static org.dimba4j.kernels.opencl.DoubleOracle.gradient;
import static org.dimba4j.kernels.opencl.OpenClTestSupport.assertClose;
import static org.dimba4j.kernels.opencl.OpenClTestSupport.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Backward kernels of the activations, softmax, the norms and attention on OpenCL against {@link DoubleOracle}
 * (finite differences of double-precision forwards), on odd shapes, with and without the optional operands.
 */
class OpenClBackwardParityTest {
    /** f32 kernels (sums over up to ~40 terms) against double central differences (~1e-9). */
    static final double ATOL = 1e-4, RTOL = 1e-4;

    private static Tensor t(float[] v, int... shape) {
        return Tensor.of(v, shape);
    }

    private static float[] f(Tensor x) {
        return x.toFloatArray();
    }

    /** erf by its Taylor series (exact to ~1e-10 for |x| &lt; 5, which Gaussian test inputs do not leave). */
    private static double erf(double x) {
        if (Math.abs(x) > 5) return Math.signum(x);
        double term = x, sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void activationsAndSqrt() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(71);
        Tensor dy = rand(r, 3, 37);
        float[] xs = f(rand(r, 3, 37));
        xs[0] = 0f; // relu' at 0 is 0 (PyTorch)
        xs[1] = 25f; // softplus above its threshold is the identity
        xs[2] = -30f;
        xs[3] = 19.5f;
        Tensor x = t(xs, 3, 37);
        DoubleUnaryOperator silu = v -> v * DoubleOracle.sigmoid(v);
        DoubleUnaryOperator geluTanh = v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
        DoubleUnaryOperator geluErf = v -> 0.5 * v * (1 + erf(v / Math.sqrt(2)));
        DoubleUnaryOperator relu = v -> Math.max(v, 0);
        DoubleUnaryOperator softplus = v -> v > 20 ? v : Math.log1p(Math.exp(v));
        check("silu", silu, x, dy, cl.download(cl.siluBackward(x, dy)));
        check("geluTanh", geluTanh, x, dy, cl.download(cl.geluTanhBackward(x, dy)));
        check("geluErf", geluErf, x, dy, cl.download(cl.geluErfBackward(x, dy)));
        check("relu", relu, x, dy, cl.download(cl.reluBackward(x, dy)));
        check("softplus", softplus, x, dy, cl.download(cl.softplusBackward(x, dy)));
        assertEquals(0f, f(cl.download(cl.reluBackward(x, dy)))[0], "relu'(0) = 0");
        assertEquals(dy.toFloatArray()[1], f(cl.download(cl.softplusBackward(x, dy)))[1], "softplus above 20 passes dy");

        float[] sq = new float[101];
        for (int i = 0; i < sq.length; i++) sq[i] = i * 0.37f;
        float[] got = f(cl.download(cl.sqrt(t(sq, 101))));
        for (int i = 0; i < sq.length; i++) assertEquals(Math.sqrt(sq[i]), got[i], 1e-6 * (1 + Math.sqrt(sq[i])), "sqrt " + sq[i]);
        assertThrows(IllegalArgumentException.class, () -> cl.siluBackward(x, rand(r, 3, 36)));
    }

    /** Element i of dy * f'(x), f' by a central difference in double (relu at exactly 0: PyTorch's 0). */
    private static void check(String what, DoubleUnaryOperator fn, Tensor x, Tensor dy, Tensor actual) {
        float[] xs = f(x), g = f(dy), e = new float[xs.length];
        double h = 1e-6;
        for (int i = 0; i < xs.length; i++) {
            double slope = xs[i] == 0f && what.equals("relu") ? 0 : (fn.applyAsDouble(xs[i] + h) - fn.applyAsDouble(xs[i] - h)) / (2 * h);
            e[i] = (float) (g[i] * slope);
        }
        assertClose(what + "Backward", t(e, x.shape()), actual, ATOL, RTOL);
    }

    @Test
    void softmaxBackward() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(72);
        for (int[] s : new int[][] {{1, 1}, {3, 7}, {2, 2, 65}, {5, 130}}) {
            int c = s[s.length - 1];
            Tensor x = rand(r, s), dy = rand(r, s);
            Tensor y = Tensor.of(toF(DoubleOracle.softmax(d(f(x)), c)), s);
            float[] e = gradient(in -> DoubleOracle.softmax(in[0], c), new double[][] {d(f(x))}, f(dy), 0);
            assertClose("softmaxBackward " + Arrays.toString(s), t(e, s), cl.download(cl.softmaxBackward(y, dy)), ATOL, RTOL);
        }
    }

    static float[] toF(double[] v) {
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (float) v[i];
        return r;
    }

    @Test
    void layerNormAndRmsNormBackward() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(73);
        // {rows..., C}; C = 70 and 129 span more than one pass of the 64-wide work-group
        for (int[] s : new int[][] {{1, 1}, {3, 5}, {2, 3, 70}, {4, 129}}) {
            int c = s[s.length - 1];
            float eps = 1e-5f;
            Tensor x = rand(r, s), dy = rand(r, s), w = rand(r, c), bias = rand(r, c);
            double[][] in = {d(f(x)), d(f(w)), d(f(bias))};
            for (boolean rms : new boolean[] {false, true}) {
                String what = (rms ? "rmsNorm " : "layerNorm ") + Arrays.toString(s);
                NormGrads g = rms ? cl.rmsNormBackward(x, w, eps, dy) : cl.layerNormBackward(x, w, eps, dy);
                java.util.function.Function<double[][], double[]> fwd = a -> DoubleOracle.norm(a[0], a[1], rms ? null : a[2], c, eps, rms);
                assertClose(what + " dx", t(gradient(fwd, in, f(dy), 0), s), cl.download(g.dx()), ATOL, RTOL);
                assertClose(what + " dWeight", t(gradient(fwd, in, f(dy), 1), c), cl.download(g.dWeight()), ATOL, RTOL);
                if (rms) {
                    assertNull(g.dBias(), "RMSNorm has no bias");
                } else {
                    assertClose(what + " dBias", t(gradient(fwd, in, f(dy), 2), c), cl.download(g.dBias()), ATOL, RTOL);
                }
                NormGrads bare = rms ? cl.rmsNormBackward(x, null, eps, dy) : cl.layerNormBackward(x, null, eps, dy);
                java.util.function.Function<double[][], double[]> plain = a -> DoubleOracle.norm(a[0], null, null, c, eps, rms);
                assertClose(what + " no weight dx", t(gradient(plain, in, f(dy), 0), s), cl.download(bare.dx()), ATOL, RTOL);
                assertNull(bare.dWeight(), "no weight, no dWeight");
                assertNull(bare.dBias(), "no weight, no dBias");
            }
        }
    }

    @Test
    void attentionBackwardWithMasksAndBiases() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(74);
        // {B, Lq, Lk, H, D, mask, bias: 0 none, 1 [H, Lq, Lk], 2 [B, H, Lq, Lk]}
        int[][] cases = {{1, 1, 1, 1, 1, 0, 0}, {2, 5, 7, 2, 3, 1, 1}, {1, 17, 6, 1, 8, 0, 2}, {2, 4, 19, 3, 5, 1, 2},
                {1, 3, 3, 2, 16, 0, 0}};
        for (int[] cs : cases) {
            int b = cs[0], lq = cs[1], lk = cs[2], h = cs[3], dh = cs[4];
            boolean batched = cs[6] == 2;
            float scale = (float) (1 / Math.sqrt(dh));
            Tensor q = rand(r, b, lq, h * dh), k = rand(r, b, lk, h * dh), v = rand(r, b, lk, h * dh), dOut = rand(r, b, lq, h * dh);
            Tensor mask = null;
            if (cs[5] == 1) {
                float[] m = new float[b * lk];
                for (int i = 0; i < m.length; i++) m[i] = r.nextInt(3) == 0 ? 0f : 1f;
                m[0] = 1f;
                if (b > 1) Arrays.fill(m, lk, 2 * lk, 0f); // a batch entry with every key masked: zero gradients
                mask = t(m, b, lk);
            }
            Tensor bias = cs[6] == 0 ? null : batched ? rand(r, b, h, lq, lk) : rand(r, h, lq, lk);
            float[] mk = mask == null ? null : f(mask);
            double[] bd = bias == null ? null : d(f(bias));
            java.util.function.Function<double[][], double[]> fwd =
                    in -> DoubleOracle.attention(in[0], in[1], in[2], b, lq, lk, h, dh, scale, mk, bd, batched);
            double[][] in = {d(f(q)), d(f(k)), d(f(v))};
            Tensor out = Tensor.of(toF(fwd.apply(in)), q.shape());
            AttentionGrads g = cl.attentionBackward(q, k, v, h, scale, mask, bias, out, dOut);
            String what = "attention " + Arrays.toString(cs);
            assertClose(what + " dq", t(gradient(fwd, in, f(dOut), 0), q.shape()), cl.download(g.dq()), ATOL, RTOL);
            assertClose(what + " dk", t(gradient(fwd, in, f(dOut), 1), k.shape()), cl.download(g.dk()), ATOL, RTOL);
            assertClose(what + " dv", t(gradient(fwd, in, f(dOut), 2), v.shape()), cl.download(g.dv()), ATOL, RTOL);
        }
    }
}
