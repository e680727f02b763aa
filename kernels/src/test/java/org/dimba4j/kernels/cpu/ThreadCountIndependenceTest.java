package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.dimba4j.kernels.grad.ScanGrads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The ops that reduce across parallel tasks (the norm and attention backwards' weight and key/value gradients, the
 * scan backward's dA, dB, dC) and the forwards that split work by the thread count give the same bits on 1, 2, 3 and
 * 5 threads: their chunks are fixed by the shapes and added in a fixed order. Shapes are big enough to run on the
 * pool, with row counts that are not multiples of the chunk size.
 */
class ThreadCountIndependenceTest {
    private static final int[] THREADS = {1, 2, 3, 5};

    /** Every output of {@code op} on each thread count equals the single-thread one bit for bit. */
    private static void sameOnEveryThreadCount(String what, Supplier<List<Tensor>> op) {
        List<float[]> one = floats(CpuBackend.withThreads(1, op));
        for (int n : THREADS) {
            List<float[]> got = floats(CpuBackend.withThreads(n, op));
            assertEquals(one.size(), got.size(), what);
            for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), got.get(i), what + ": output " + i + " on " + n + " threads");
        }
    }

    private static List<float[]> floats(List<Tensor> ts) {
        List<float[]> out = new ArrayList<>();
        for (Tensor t : ts) if (t != null) out.add(t.toFloatArray());
        return out;
    }

    private static List<Tensor> norm(NormGrads g) {
        return java.util.Arrays.asList(g.dx(), g.dWeight(), g.dBias());
    }

    @Test
    void normBackwardsAreTheSameOnEveryThreadCount() {
        Random r = new Random(21);
        Tensor x = rand(r, 3, 333, 257), dy = rand(r, 3, 333, 257), w = rand(r, 257);
        sameOnEveryThreadCount("layerNorm backward", () -> norm(CPU.layerNormBackward(x, w, 1e-6f, dy)));
        sameOnEveryThreadCount("layerNorm backward without weight", () -> norm(CPU.layerNormBackward(x, null, 1e-6f, dy)));
        sameOnEveryThreadCount("rmsNorm backward", () -> norm(CPU.rmsNormBackward(x, w, 1e-5f, dy)));
    }

    @Test
    void attentionBackwardIsTheSameOnEveryThreadCount() {
        Random r = new Random(22);
        // one (batch, head) pair: the queries are cut into ranges whose dK, dV are summed
        for (int[] s : new int[][] {{1, 301, 257, 1, 64}, {2, 130, 77, 3, 40}}) {
            int b = s[0], lq = s[1], lk = s[2], heads = s[3], d = s[4];
            Tensor q = rand(r, b, lq, heads * d), k = rand(r, b, lk, heads * d), v = rand(r, b, lk, heads * d);
            Tensor dy = rand(r, b, lq, heads * d);
            float scale = (float) (1 / Math.sqrt(d));
            sameOnEveryThreadCount("attention backward " + java.util.Arrays.toString(s), () -> {
                Tensor o = CPU.attention(q, k, v, heads, scale, null, null);
                AttentionGrads g = CPU.attentionBackward(q, k, v, heads, scale, null, null, o, dy);
                return List.of(o, g.dq(), g.dk(), g.dv());
            });
        }
    }

    @Test
    void forwardsAndScanBackwardAreTheSameOnEveryThreadCount() {
        Random r = new Random(23);
        Tensor a = rand(r, 300, 257), b = rand(r, 257, 700), wl = rand(r, 700, 257);
        sameOnEveryThreadCount("matmul, linear", () -> List.of(CPU.matmul(a, b, false, false), CPU.linear(a, wl, null)));
        int bsz = 1, l = 200, e = 136, n = 16;
        Tensor u = rand(r, bsz, l, e), delta = rand(r, bsz, l, e), bb = rand(r, bsz, l, n), cc = rand(r, bsz, l, n);
        Tensor d = rand(r, e), z = rand(r, bsz, l, e), bias = rand(r, e), dOut = rand(r, bsz, l, e);
        float[] av = new float[e * n];
        for (int i = 0; i < av.length; i++) av[i] = -(1 + i % n) * 0.5f;
        Tensor am = Tensor.of(av, e, n);
        sameOnEveryThreadCount("selective scan and its backward", () -> {
            ScanGrads g = CPU.selectiveScanBackward(u, delta, am, bb, cc, d, z, bias, true, dOut);
            return java.util.Arrays.asList(CPU.selectiveScan(u, delta, am, bb, cc, d, z, bias, true), g.du(), g.dDelta(),
                    g.dA(), g.dB(), g.dC(), g.dD(), g.dZ(), g.dDeltaBias());
        });
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> CpuBackend.withThreads(0, () -> null));
        assertEquals("threads must be at least 1, got 0", e.getMessage());
    }
}
