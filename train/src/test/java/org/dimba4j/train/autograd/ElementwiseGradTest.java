package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.train.autograd.GradCheck.check;
import static org.dimba4j.train.autograd.GradCheck.rand;

/** Broadcasting binary ops, affine, activations, exp and sqrt, against finite differences. */
class ElementwiseGradTest {
    static final double TOL = 2e-3;
    final Random r = new Random(2);

    @Test
    void binaryOpsWithBroadcasting() {
        int[][][] pairs = {{{2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}}, {{2, 1, 4}, {3, 1}}, {{2, 3, 4}, {2, 1, 1}}};
        for (int[][] p : pairs) {
            String s = java.util.Arrays.toString(p[0]) + " with " + java.util.Arrays.toString(p[1]);
            Tensor a = rand(r, 1f, p[0]), b = rand(r, 1f, p[1]);
            check("add " + s, TOL, (be, x) -> be.add(x[0], x[1]), a, b);
            check("sub " + s, TOL, (be, x) -> be.sub(x[0], x[1]), a, b);
            check("mul " + s, TOL, (be, x) -> be.mul(x[0], x[1]), a, b);
            check("mul reversed " + s, TOL, (be, x) -> be.mul(x[1], x[0]), a, b);
            Tensor away = awayFromZero(b);
            check("div " + s, 5e-3, (be, x) -> be.div(x[0], x[1]), a, away);
        }
    }

    @Test
    void affineAndScale() {
        Tensor x = rand(r, 1f, 3, 5);
        check("affine", TOL, (be, t) -> be.affine(t[0], -1.5f, 0.25f), x);
        check("scale", TOL, (be, t) -> be.scale(t[0], 3f), x);
    }

    @Test
    void activations() {
        Tensor x = rand(r, 2f, 4, 6);
        check("silu", TOL, (be, t) -> be.silu(t[0]), x);
        check("geluTanh", TOL, (be, t) -> be.geluTanh(t[0]), x);
        check("geluErf", TOL, (be, t) -> be.geluErf(t[0]), x);
        check("relu", TOL, (be, t) -> be.relu(t[0]), awayFromZero(x));
        check("softplus", TOL, (be, t) -> be.softplus(t[0]), x);
        check("exp", TOL, (be, t) -> be.exp(t[0]), x);
        check("gatedGelu", TOL, (be, t) -> be.gatedGelu(t[0], t[1]), x, rand(r, 1f, 4, 6));
    }

    @Test
    void softplusAboveItsThresholdIsTheIdentity() {
        check("softplus above 20", TOL, (be, t) -> be.softplus(t[0]), Tensor.of(new float[] {21f, 25f, 30f, 19f}, 4));
    }

    @Test
    void sqrtOfPositives() {
        float[] d = rand(r, 1f, 3, 4).toFloatArray();
        for (int i = 0; i < d.length; i++) d[i] = 0.5f + Math.abs(d[i]);
        check("sqrt", TOL, (be, t) -> be.sqrt(t[0]), Tensor.of(d, 3, 4));
    }

    /** |x| + 0.5 with x's sign: kinks (relu) and poles (div) stay out of the finite-difference step. */
    static Tensor awayFromZero(Tensor t) {
        float[] d = t.toFloatArray();
        for (int i = 0; i < d.length; i++) d[i] = Math.copySign(Math.abs(d[i]) + 0.5f, d[i]);
        return Tensor.of(d, t.shape());
    }
}
