package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.ScanGrads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.dimba4j.kernels.reference.CentralDifference.randn;
import static org.dimba4j.kernels.reference.CentralDifference.uniform;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The reference selective-scan backward against central differences of its forward and against torch autograd. */
class ScanBackwardTest {
    private final ReferenceBackend ref = new ReferenceBackend();

    /**
     * Fixture tolerance: |ours - torch| &lt;= 1e-6 (max |grad| + |grad_i|) / 2. The goldens come from torch in float64
     * (exact to f32 rounding; torch's own float32 graph differs from them by up to 2.7e-7 of max |grad|); measured
     * here: at most 8.6e-8 (scan_full du), 0 for the convolutions.
     */
    private static final double GOLDEN_TOL = 1e-6;

    /** Every combination of D, z, deltaBias and softplus (bits 0-3 of {@code opt}), all elements of every input. */
    @ParameterizedTest(name = "options {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
    void finiteDifferences(int opt) {
        boolean useD = (opt & 1) != 0, useZ = (opt & 2) != 0, useBias = (opt & 4) != 0, softplus = (opt & 8) != 0;
        Random rnd = new Random(100 + opt);
        int b = 2, l = 6, e = 3, n = 4;
        Tensor u = randn(rnd, b, l, e), a = uniform(rnd, -2.5f, -0.3f, e, n), bm = randn(rnd, b, l, n), cm = randn(rnd, b, l, n);
        // without softplus dt must stay positive (a real step size) under the +-step probe
        Tensor delta = softplus ? randn(rnd, b, l, e) : uniform(rnd, 0.05f, 0.6f, b, l, e);
        Tensor d = useD ? randn(rnd, e) : null, z = useZ ? randn(rnd, b, l, e) : null;
        Tensor bias = useBias ? uniform(rnd, -0.3f, 0.3f, e) : null, r = randn(rnd, b, l, e);
        ScanGrads g = ref.selectiveScanBackward(u, delta, a, bm, cm, d, z, bias, softplus, r);
        var fd = new CentralDifference(() -> ref.selectiveScan(u, delta, a, bm, cm, d, z, bias, softplus), r);
        double tol = 2e-3; // measured worst 7.9e-4 (dDeltaBias: softplus curvature), 2.4e-4 (dA), 4.4e-5 (dDelta)
        fd.check("du", u, g.du(), 1000, tol, rnd);
        fd.check("dDelta", delta, g.dDelta(), 1000, tol, rnd);
        fd.check("dA", a, g.dA(), 1000, tol, rnd);
        fd.check("dB", bm, g.dB(), 1000, tol, rnd);
        fd.check("dC", cm, g.dC(), 1000, tol, rnd);
        if (useD) fd.check("dD", d, g.dD(), 1000, tol, rnd);
        else assertNull(g.dD(), "no D, no dD");
        if (useZ) fd.check("dZ", z, g.dZ(), 1000, tol, rnd);
        else assertNull(g.dZ(), "no z, no dZ");
        if (useBias) fd.check("dDeltaBias", bias, g.dDeltaBias(), 1000, tol, rnd);
        else assertNull(g.dDeltaBias(), "no deltaBias, no dDeltaBias");
    }

    /** torch autograd through selective_scan_ref (tools/fixtures/grad/scan_conv_grads.py), with every option and none. */
    @Test
    void matchesTorchAutograd() {
        F32Fixture fx = new F32Fixture("/fixtures/grad/scan_conv_grads.safetensors");
        for (String c : new String[] {"scan_full", "scan_plain"}) {
            boolean full = c.equals("scan_full");
            Tensor d = full ? fx.get(c + ".D") : null, z = full ? fx.get(c + ".z") : null;
            Tensor bias = full ? fx.get(c + ".delta_bias") : null;
            ScanGrads g = ref.selectiveScanBackward(fx.get(c + ".u"), fx.get(c + ".delta"), fx.get(c + ".A"),
                    fx.get(c + ".B"), fx.get(c + ".C"), d, z, bias, full, fx.get(c + ".dy"));
            assertGolden(c + " du", fx.get(c + ".d_u"), g.du());
            assertGolden(c + " dDelta", fx.get(c + ".d_delta"), g.dDelta());
            assertGolden(c + " dA", fx.get(c + ".d_A"), g.dA());
            assertGolden(c + " dB", fx.get(c + ".d_B"), g.dB());
            assertGolden(c + " dC", fx.get(c + ".d_C"), g.dC());
            if (full) {
                assertGolden(c + " dD", fx.get(c + ".d_D"), g.dD());
                assertGolden(c + " dZ", fx.get(c + ".d_z"), g.dZ());
                assertGolden(c + " dDeltaBias", fx.get(c + ".d_delta_bias"), g.dDeltaBias());
            }
        }
    }

    @Test
    void wrongOutputGradientShapeIsRejected() {
        Random rnd = new Random(3);
        Tensor u = randn(rnd, 1, 4, 2), a = uniform(rnd, -1, -0.5f, 2, 3), bm = randn(rnd, 1, 4, 3);
        var ex = assertThrows(IllegalArgumentException.class,
                () -> ref.selectiveScanBackward(u, u, a, bm, bm, null, null, null, true, randn(rnd, 1, 4, 3)));
        assertTrue(ex.getMessage().contains("selectiveScanBackward") && ex.getMessage().contains("[1, 4, 2]")
                && ex.getMessage().contains("[1, 4, 3]"), ex.getMessage());
        var bad = assertThrows(IllegalArgumentException.class,
                () -> ref.selectiveScanBackward(u, u, randn(rnd, 3, 3), bm, bm, null, null, null, true, u));
        assertTrue(bad.getMessage().contains("selectiveScan"), bad.getMessage());
    }

    /** |e - a| &lt;= GOLDEN_TOL (max |e| + |e_i|) / 2: relative to each tensor's scale, tighter on its large entries. */
    static void assertGolden(String what, Tensor expected, Tensor actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double scale = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= GOLDEN_TOL * (scale + Math.abs(e[i])) / 2)) {
                fail(what + ": element " + i + " torch " + e[i] + " ours " + a[i] + " (max |grad| " + scale + ")");
            }
        }
    }
}
