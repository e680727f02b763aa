package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.dimba4j.kernels.grad.ScanGrads;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.dimba4j.kernels.opencl.OpenClTestSupport.rand;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every backward op on OpenCL against the scalar reference and the CPU backend, on the shape sets of the CPU tests
 * (long scans, head dim 128, state size 64, wide rows), every optional operand absent and present.
 */
class OpenClBackwardShapeSetsParityTest {
    /**
     * |opencl - ref| &lt;= ATOL + TOL * (rms(ref) + |ref|) per tensor: gradients are sums whose terms cancel, so the
     * error scale is the tensor's rms, not each element; ATOL (about 16 f32 ulps of 1) covers gradients that are
     * themselves pure cancellation, e.g. RMSNorm over one channel (dx ~ eps / x^3). Worst measured: {@link #report}.
     */
    static final double TOL = 1e-4, ATOL = 1e-6;
    private static final Backend REF = new ReferenceBackend(), CPU = new CpuBackend();
    private static double worst;
    private static String worstWhat = "";

    @AfterAll
    static void report() {
        System.out.printf("OpenCL backward vs reference: worst |err| / (rms + |ref|) = %.2e (%s)%n", worst, worstWhat);
    }

    /** Checks {@code actual} (device or host) against the reference and the CPU backend's result. */
    private static void check(String what, Tensor ref, Tensor cpu, Tensor actual) {
        Tensor got = OpenClTestSupport.backend().download(actual);
        close(what + " vs reference", ref, got);
        close(what + " vs cpu", cpu, got);
    }

    private static void close(String what, Tensor expected, Tensor actual) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            fail(what + ": shape " + Arrays.toString(actual.shape()) + " != " + Arrays.toString(expected.shape()));
        }
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double ss = 0;
        for (float v : e) ss += (double) v * v;
        double rms = e.length == 0 ? 0 : Math.sqrt(ss / e.length);
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(e[i] - a[i]);
            double ratio = Math.max(0, err - ATOL) / (rms + Math.abs(e[i]) + 1e-30);
            if (!(err <= ATOL + TOL * (rms + Math.abs(e[i])))) fail(what + ": element " + i + " expected " + e[i] + " got " + a[i] + " (rms " + rms + ")");
            if (ratio > worst) {
                worst = ratio;
                worstWhat = what;
            }
        }
    }

    @Test
    void activationsSoftmaxAndNorms() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(91);
        Tensor x = REF.scale(rand(r, 5, 999), 3f), dy = rand(r, 5, 999);
        check("silu", REF.siluBackward(x, dy), CPU.siluBackward(x, dy), cl.siluBackward(x, dy));
        check("geluTanh", REF.geluTanhBackward(x, dy), CPU.geluTanhBackward(x, dy), cl.geluTanhBackward(x, dy));
        check("geluErf", REF.geluErfBackward(x, dy), CPU.geluErfBackward(x, dy), cl.geluErfBackward(x, dy));
        check("relu", REF.reluBackward(x, dy), CPU.reluBackward(x, dy), cl.reluBackward(x, dy));
        check("softplus", REF.softplusBackward(x, dy), CPU.softplusBackward(x, dy), cl.softplusBackward(x, dy));
        Tensor pos = REF.exp(x);
        check("sqrt", REF.sqrt(pos), CPU.sqrt(pos), cl.sqrt(pos));
        for (int[] s : new int[][] {{1, 1}, {7, 300}, {2, 3, 1152}, {33, 65}}) {
            int c = s[s.length - 1];
            Tensor xs = rand(r, s), g = rand(r, s), w = rand(r, c), y = REF.softmax(xs);
            String shape = Arrays.toString(s);
            check("softmax " + shape, REF.softmaxBackward(y, g), CPU.softmaxBackward(y, g), cl.softmaxBackward(y, g));
            for (Tensor weight : new Tensor[] {w, null}) {
                String what = shape + (weight == null ? " no weight" : "");
                NormGrads ln = REF.layerNormBackward(xs, weight, 1e-6f, g), lc = CPU.layerNormBackward(xs, weight, 1e-6f, g);
                NormGrads lo = cl.layerNormBackward(xs, weight, 1e-6f, g);
                check("layerNorm dx " + what, ln.dx(), lc.dx(), lo.dx());
                NormGrads rn = REF.rmsNormBackward(xs, weight, 1e-6f, g), rc = CPU.rmsNormBackward(xs, weight, 1e-6f, g);
                NormGrads ro = cl.rmsNormBackward(xs, weight, 1e-6f, g);
                check("rmsNorm dx " + what, rn.dx(), rc.dx(), ro.dx());
                if (weight != null) {
                    check("layerNorm dWeight " + what, ln.dWeight(), lc.dWeight(), lo.dWeight());
                    check("layerNorm dBias " + what, ln.dBias(), lc.dBias(), lo.dBias());
                    check("rmsNorm dWeight " + what, rn.dWeight(), rc.dWeight(), ro.dWeight());
                }
            }
        }
    }

    @Test
    void attentionShapeSet() {
        OpenClBackend cl = OpenClTestSupport.backend();
        // {B, Lq, Lk, H, D} as the CPU attention tests, plus head dim 128 (the kernel's limit)
        int[][] cases = {{1, 1, 1, 1, 1}, {1, 7, 7, 1, 7}, {2, 33, 17, 3, 8}, {1, 5, 300, 2, 72}, {2, 70, 129, 2, 16},
                {1, 130, 40, 4, 33}, {1, 1, 1000, 1, 64}, {2, 19, 23, 1, 128}};
        for (int[] cs : cases) {
            int b = cs[0], lq = cs[1], lk = cs[2], h = cs[3], dh = cs[4];
            Random r = new Random(Arrays.hashCode(cs));
            Tensor q = rand(r, b, lq, h * dh), k = rand(r, b, lk, h * dh), v = rand(r, b, lk, h * dh), dOut = rand(r, b, lq, h * dh);
            float[] m = new float[b * lk];
            for (int i = 0; i < m.length; i++) m[i] = i % lk == 0 || r.nextInt(4) != 0 ? 1f : 0f;
            Tensor mask = Tensor.of(m, b, lk), bias = REF.scale(rand(r, b, h, lq, lk), 0.5f);
            float scale = (float) (1 / Math.sqrt(dh));
            for (int variant = 0; variant < 2; variant++) {
                Tensor mk = variant == 0 ? null : mask, bs = variant == 0 ? null : bias;
                Tensor out = REF.attention(q, k, v, h, scale, mk, bs);
                String what = "attention " + Arrays.toString(cs) + (variant == 0 ? "" : " mask+bias");
                AttentionGrads want = REF.attentionBackward(q, k, v, h, scale, mk, bs, out, dOut);
                AttentionGrads cpu = CPU.attentionBackward(q, k, v, h, scale, mk, bs, out, dOut);
                AttentionGrads got = cl.attentionBackward(q, k, v, h, scale, mk, bs, out, dOut);
                check(what + " dq", want.dq(), cpu.dq(), got.dq());
                check(what + " dk", want.dk(), cpu.dk(), got.dk());
                check(what + " dv", want.dv(), cpu.dv(), got.dv());
            }
        }
    }

    @Test
    void selectiveScanShapeSetEveryOption() {
        OpenClBackend cl = OpenClTestSupport.backend();
        // {B, L, E, N} as the CPU scan-backward tests, plus the kernel's largest state (64)
        int[][] shapes = {{1, 1, 1, 1}, {1, 7, 7, 16}, {2, 33, 33, 16}, {1, 1000, 20, 16}, {2, 17, 70, 4}, {1, 40, 97, 16},
                {1, 5, 16, 7}, {2, 24, 9, 64}};
        for (int[] s : shapes) {
            int b = s[0], l = s[1], e = s[2], n = s[3];
            Random r = new Random(Arrays.hashCode(s));
            Tensor u = rand(r, b, l, e), rawDelta = rand(r, b, l, e), smallDelta = REF.scale(REF.exp(rand(r, b, l, e)), 0.05f);
            Tensor a = REF.scale(REF.exp(REF.scale(rand(r, e, n), 0.7f)), -1f), bm = rand(r, b, l, n), cm = rand(r, b, l, n);
            Tensor d = rand(r, e), z = rand(r, b, l, e), bias = rand(r, e), dOut = rand(r, b, l, e);
            for (int opt = 0; opt < 8; opt++) {
                boolean useD = (opt & 1) != 0, useZ = (opt & 2) != 0, softplus = (opt & 4) != 0;
                Tensor delta = softplus ? rawDelta : smallDelta, db = softplus ? bias : null, dd = useD ? d : null, zz = useZ ? z : null;
                String what = "scan " + Arrays.toString(s) + " D=" + useD + " z=" + useZ + " softplus=" + softplus + " ";
                ScanGrads want = REF.selectiveScanBackward(u, delta, a, bm, cm, dd, zz, db, softplus, dOut);
                ScanGrads cpu = CPU.selectiveScanBackward(u, delta, a, bm, cm, dd, zz, db, softplus, dOut);
                ScanGrads got = cl.selectiveScanBackward(u, delta, a, bm, cm, dd, zz, db, softplus, dOut);
                check(what + "du", want.du(), cpu.du(), got.du());
                check(what + "dDelta", want.dDelta(), cpu.dDelta(), got.dDelta());
                check(what + "dA", want.dA(), cpu.dA(), got.dA());
                check(what + "dB", want.dB(), cpu.dB(), got.dB());
                check(what + "dC", want.dC(), cpu.dC(), got.dC());
                if (useD) check(what + "dD", want.dD(), cpu.dD(), got.dD());
                else assertNull(got.dD(), what + "dD");
                if (useZ) check(what + "dZ", want.dZ(), cpu.dZ(), got.dZ());
                else assertNull(got.dZ(), what + "dZ");
                if (softplus) check(what + "dDeltaBias", want.dDeltaBias(), cpu.dDeltaBias(), got.dDeltaBias());
                else assertNull(got.dDeltaBias(), what + "dDeltaBias");
            }
        }
    }

    @Test
    void convolutionsAndEmbedding() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(94);
        // causal conv1d {B, L, C, K} as the CPU tests
        for (int[] s : new int[][] {{1, 1, 1, 4}, {2, 9, 5, 4}, {1, 3, 37, 4}, {2, 100, 70, 4}, {1, 16, 16, 1}, {3, 50, 129, 4}}) {
            Tensor x = rand(r, s[0], s[1], s[2]), w = rand(r, s[2], 1, s[3]), dy = rand(r, s[0], s[1], s[2]);
            ConvGrads want = REF.causalConv1dBackward(x, w, dy, true), cpu = CPU.causalConv1dBackward(x, w, dy, true);
            ConvGrads got = cl.causalConv1dBackward(x, w, dy, true);
            String what = "conv1d " + Arrays.toString(s);
            check(what + " dx", want.dx(), cpu.dx(), got.dx());
            check(what + " dWeight", want.dWeight(), cpu.dWeight(), got.dWeight());
            check(what + " dBias", want.dBias(), cpu.dBias(), got.dBias());
        }
        // conv2d {N, C, H, W, O, k, stride, pad, groups}: Dimba's patch embed, the VAE's 3x3, grouped, 1x1
        for (int[] c : new int[][] {{2, 4, 16, 16, 32, 2, 2, 0, 1}, {1, 8, 12, 11, 8, 3, 1, 1, 1}, {2, 6, 9, 7, 4, 3, 2, 1, 2},
                {1, 16, 5, 5, 8, 1, 1, 0, 1}}) {
            Tensor x = rand(r, c[0], c[1], c[2], c[3]), w = rand(r, c[4], c[1] / c[8], c[5], c[5]);
            Tensor dy = rand(r, REF.conv2d(x, w, null, c[6], c[6], c[7], c[7], c[8]).shape());
            ConvGrads want = REF.conv2dBackward(x, w, dy, true, c[6], c[6], c[7], c[7], c[8]);
            ConvGrads cpu = CPU.conv2dBackward(x, w, dy, true, c[6], c[6], c[7], c[7], c[8]);
            ConvGrads got = cl.conv2dBackward(x, w, dy, true, c[6], c[6], c[7], c[7], c[8]);
            String what = "conv2d " + Arrays.toString(c);
            check(what + " dx", want.dx(), cpu.dx(), got.dx());
            check(what + " dWeight", want.dWeight(), cpu.dWeight(), got.dWeight());
            check(what + " dBias", want.dBias(), cpu.dBias(), got.dBias());
        }
        int[] ids32 = new int[3 * 40];
        long[] ids = new long[ids32.length];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(50);
        Tensor idt = Tensor.ofLongs(ids, 3, 40), dOut = rand(r, 3, 40, 64);
        check("embedding", REF.embeddingBackward(idt, dOut, 57), CPU.embeddingBackward(idt, dOut, 57), cl.embeddingBackward(idt, dOut, 57));
    }
}
