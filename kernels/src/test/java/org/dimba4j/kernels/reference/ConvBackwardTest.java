package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.ConvGrads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.dimba4j.kernels.reference.CentralDifference.randn;
import static org.dimba4j.kernels.reference.ScanBackwardTest.assertGolden;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference conv2d and causal conv1d backwards against central differences and torch autograd. */
class ConvBackwardTest {
    private final ReferenceBackend ref = new ReferenceBackend();
    /**
     * The forward is linear in each operand, so only the f32 rounding of the forward's outputs limits the difference:
     * measured worst 2.1e-5 (conv2d dx), 1.2e-5 (conv1d dx).
     */
    private static final double FD_TOL = 2e-4;

    @ParameterizedTest(name = "c={1} hw={2}x{3} o={4} k={5}x{6} s={7}x{8} p={9}x{10} g={11}")
    @CsvSource({
            "2,4,7,6,6,3,3,2,2,1,1,2",   // stride 2, padding 1, groups 2
            "1,4,8,8,8,2,2,2,2,0,0,1",   // the patch embed: kernel = stride = 2, no padding
            "1,3,5,6,4,3,2,1,2,2,0,1",   // unequal kernel, strides and padding
            "1,4,6,6,4,3,3,1,1,1,1,4"})  // depthwise
    void conv2dFiniteDifferences(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int g) {
        Random rnd = new Random(n + 3L * c + 5L * h + 7L * kh + 11L * sh + g);
        Tensor x = randn(rnd, n, c, h, w), wt = randn(rnd, o, c / g, kh, kw), bias = randn(rnd, o);
        Tensor y = ref.conv2d(x, wt, bias, sh, sw, ph, pw, g), r = randn(rnd, y.shape());
        ConvGrads gr = ref.conv2dBackward(x, wt, r, true, sh, sw, ph, pw, g);
        var fd = new CentralDifference(() -> ref.conv2d(x, wt, bias, sh, sw, ph, pw, g), r);
        fd.check("conv2d dx", x, gr.dx(), 1000, FD_TOL, rnd);
        fd.check("conv2d dWeight", wt, gr.dWeight(), 1000, FD_TOL, rnd);
        fd.check("conv2d dBias", bias, gr.dBias(), 1000, FD_TOL, rnd);
        assertNull(ref.conv2dBackward(x, wt, r, false, sh, sw, ph, pw, g).dBias(), "no bias asked, none given");
    }

    @ParameterizedTest(name = "b={0} l={1} c={2} k={3} weight rank {4}")
    @CsvSource({"2,9,5,4,3", "1,2,3,4,3", "1,3,6,4,2", "2,5,4,1,2"})
    void causalConv1dFiniteDifferences(int b, int l, int c, int k, int weightRank) {
        Random rnd = new Random(b + 3L * l + 5L * c + 7L * k);
        Tensor x = randn(rnd, b, l, c), wt = weightRank == 3 ? randn(rnd, c, 1, k) : randn(rnd, c, k), bias = randn(rnd, c);
        Tensor r = randn(rnd, b, l, c);
        ConvGrads gr = ref.causalConv1dBackward(x, wt, r, true);
        var fd = new CentralDifference(() -> ref.causalConv1d(x, wt, bias), r);
        fd.check("conv1d dx", x, gr.dx(), 1000, FD_TOL, rnd);
        fd.check("conv1d dWeight", wt, gr.dWeight(), 1000, FD_TOL, rnd);
        fd.check("conv1d dBias", bias, gr.dBias(), 1000, FD_TOL, rnd);
        assertNull(ref.causalConv1dBackward(x, wt, r, false).dBias(), "no bias asked, none given");
    }

    /** torch autograd through F.conv2d and F.conv1d(groups=C, padding=K-1)[..., :L] (tools/fixtures/grad/scan_conv_grads.py). */
    @Test
    void matchesTorchAutograd() {
        F32Fixture fx = new F32Fixture("/fixtures/grad/scan_conv_grads.safetensors");
        ConvGrads g = ref.conv2dBackward(fx.get("conv2d_s2p1g2.x"), fx.get("conv2d_s2p1g2.w"), fx.get("conv2d_s2p1g2.dy"),
                true, 2, 2, 1, 1, 2);
        assertGoldenConv("conv2d_s2p1g2", fx, g);
        g = ref.conv2dBackward(fx.get("conv2d_patch.x"), fx.get("conv2d_patch.w"), fx.get("conv2d_patch.dy"), true, 2, 2, 0, 0, 1);
        assertGoldenConv("conv2d_patch", fx, g);
        for (String c : new String[] {"conv1d_k4", "conv1d_short"}) {
            assertGoldenConv(c, fx, ref.causalConv1dBackward(fx.get(c + ".x"), fx.get(c + ".w"), fx.get(c + ".dy"), true));
        }
    }

    private static void assertGoldenConv(String c, F32Fixture fx, ConvGrads g) {
        assertGolden(c + " dx", fx.get(c + ".d_x"), g.dx());
        assertGolden(c + " dWeight", fx.get(c + ".d_w"), g.dWeight());
        assertGolden(c + " dBias", fx.get(c + ".d_bias"), g.dBias());
    }

    @Test
    void wrongOutputGradientShapeIsRejected() {
        Random rnd = new Random(4);
        Tensor x = randn(rnd, 1, 4, 8, 8), wt = randn(rnd, 8, 4, 2, 2);
        var ex = assertThrows(IllegalArgumentException.class,
                () -> ref.conv2dBackward(x, wt, randn(rnd, 1, 8, 8, 8), true, 2, 2, 0, 0, 1));
        assertTrue(ex.getMessage().contains("conv2dBackward") && ex.getMessage().contains("[1, 8, 4, 4]")
                && ex.getMessage().contains("[1, 8, 8, 8]"), ex.getMessage());
        Tensor xs = randn(rnd, 2, 5, 3), w1 = randn(rnd, 3, 1, 4);
        var ex1 = assertThrows(IllegalArgumentException.class, () -> ref.causalConv1dBackward(xs, w1, randn(rnd, 2, 3, 5), false));
        assertTrue(ex1.getMessage().contains("causalConv1dBackward") && ex1.getMessage().contains("[2, 5, 3]")
                && ex1.getMessage().contains("[2, 3, 5]"), ex1.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ref.conv2dBackward(x, wt, randn(rnd, 1, 8, 4, 4), true, 2, 2, 0, 0, 3),
                "groups that do not divide the channels are the forward's error");
    }
}
