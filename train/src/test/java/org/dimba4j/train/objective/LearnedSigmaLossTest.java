package org.dimba4j.train.objective;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The written-out derivative of the learned-sigma loss head against central finite differences of its own value, for
 * a random model output at timesteps across the schedule (0, the decoder NLL, and 999 included); and its invariants:
 * vb does not depend on epsilon (the official code detaches it), mse does not depend on the variance channels.
 */
class LearnedSigmaLossTest {
    static final int B = 4, C = 2, H = 3, W = 3;

    @Test
    void derivativeMatchesFiniteDifferences() {
        LearnedSigmaLoss head = LearnedSigmaLoss.dimba();
        Random r = new Random(5);
        int[] t = {0, 1, 500, 999};
        // latents of real scale (many |x0| > 0.999, the decoder's open bins); small epsilon errors at t = 0 so the
        // decoder's bins carry real mass
        Tensor x0 = gaussian(r, 1.5, B, C, H, W), noise = gaussian(r, 1, B, C, H, W);
        float[] out = new float[B * 2 * C * H * W];
        for (int i = 0; i < out.length; i++) {
            boolean variance = (i / (H * W)) % (2 * C) >= C;
            out[i] = variance ? (float) (r.nextDouble() * 2 - 1) : (float) (noise.getFlat(sameIn(i)) + 0.3 * r.nextGaussian());
        }
        Tensor xt = qSample(head, x0, noise, t);
        LearnedSigmaLoss.Terms terms = head.evaluate(Tensor.of(out, B, 2 * C, H, W), x0, xt, noise, t);
        float[] d = terms.dOut().toFloatArray();
        double worst = 0;
        int checked = 0;
        for (int i = 0; i < out.length; i++) {
            double h = 1e-3;
            float[] plus = out.clone(), minus = out.clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double hp = plus[i] - out[i], hm = out[i] - minus[i]; // the steps as f32 made them
            // the vb term sees epsilon detached: for an epsilon element only the mse part of the loss moves
            boolean variance = (i / (H * W)) % (2 * C) >= C;
            double fd = (loss(head, plus, x0, xt, noise, t, variance) - loss(head, minus, x0, xt, noise, t, variance)) / (hp + hm);
            double err = Math.abs(fd - d[i]);
            worst = Math.max(worst, err);
            assertTrue(err < 1e-6 + 1e-3 * Math.abs(fd), "d loss / d out[" + i + "] = " + d[i] + ", finite difference " + fd);
            if (d[i] != 0) checked++;
        }
        assertEquals(out.length, checked, "every output element gets a gradient");
        System.err.printf("LearnedSigmaLossTest: worst |analytic - finite difference| %.2e over %d elements; vb %s%n",
                worst, out.length, java.util.Arrays.toString(terms.vb()));
    }

    @Test
    void vbSeesTheVarianceOnlyThroughItsDerivativeAndMseTheEpsilonOnly() {
        LearnedSigmaLoss head = LearnedSigmaLoss.dimba();
        Random r = new Random(9);
        int[] t = {3, 250, 750, 0};
        Tensor x0 = gaussian(r, 1, B, C, H, W), noise = gaussian(r, 1, B, C, H, W);
        Tensor out = gaussian(r, 0.5, B, 2 * C, H, W);
        LearnedSigmaLoss.Terms terms = head.evaluate(out, x0, qSample(head, x0, noise, t), noise, t);
        float[] o = out.toFloatArray(), n = noise.toFloatArray(), d = terms.dOut().toFloatArray();
        double loss = 0;
        for (int s = 0; s < B; s++) {
            double sq = 0;
            for (int k = 0; k < C * H * W; k++) {
                int ch = k / (H * W), p = k % (H * W);
                int iEps = (s * 2 * C + ch) * H * W + p;
                double diff = (double) o[iEps] - n[s * C * H * W + k];
                sq += diff * diff;
                // vb gives epsilon no gradient (detached in the official code): only the mse's 2 (eps - noise) / (N B)
                assertEquals(2 * diff / (C * H * W * B), d[iEps], 1e-7, "d loss / d eps at " + iEps);
            }
            assertEquals(sq / (C * H * W), terms.mse()[s], 1e-12, "mse[" + s + "]");
            assertTrue(terms.vb()[s] > 0, "vb[" + s + "] is a KL or an NLL: positive");
            loss += (terms.mse()[s] + terms.vb()[s]) / B;
        }
        assertEquals(loss, terms.loss(), 1e-12, "loss is the batch mean of mse + vb");
    }

    @Test
    void refusesMisShapedInputsAndTimestepsOutsideTheSchedule() {
        LearnedSigmaLoss head = LearnedSigmaLoss.dimba();
        Tensor x0 = Tensor.zeros(1, C, H, W);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> head.evaluate(Tensor.zeros(1, C, H, W), x0, x0, x0, new int[] {5}));
        assertTrue(e.getMessage().contains("model output"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> head.evaluate(Tensor.zeros(1, 2 * C, H, W), x0, x0, x0, new int[] {1000}));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }

    /** The loss, or with {@code withVb} false the batch mean of the mse terms alone. */
    private static double loss(LearnedSigmaLoss head, float[] out, Tensor x0, Tensor xt, Tensor noise, int[] t, boolean withVb) {
        LearnedSigmaLoss.Terms terms = head.evaluate(Tensor.of(out, B, 2 * C, H, W), x0, xt, noise, t);
        if (withVb) return terms.loss();
        double m = 0;
        for (double v : terms.mse()) m += v / B;
        return m;
    }

    /** The input element (of [B, C, H, W]) under output element i's epsilon or variance channel. */
    private static int sameIn(int i) {
        int plane = H * W, s = i / (2 * C * plane), ch = (i / plane) % (2 * C) % C;
        return (s * C + ch) * plane + i % plane;
    }

    /** q_sample on the linear schedule, per sample's timestep ({@code head} is not used). */
    static Tensor qSample(LearnedSigmaLoss head, Tensor x0, Tensor noise, int[] t) {
        float[] x = x0.toFloatArray(), n = noise.toFloatArray(), z = new float[x.length];
        int per = C * H * W;
        for (int i = 0; i < x.length; i++) {
            double abar = org.dimba4j.model.diffusion.GaussianDiffusion
                    .of(org.dimba4j.model.diffusion.BetaSchedule.linear(1000)).alphaCumprod(t[i / per]);
            z[i] = (float) (Math.sqrt(abar) * x[i] + Math.sqrt(1 - abar) * n[i]);
        }
        return Tensor.of(z, x0.shape());
    }

    static Tensor gaussian(Random r, double scale, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) (scale * r.nextGaussian());
        return Tensor.of(f, shape);
    }
}
