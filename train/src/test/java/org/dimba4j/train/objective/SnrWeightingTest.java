package org.dimba4j.train.objective;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.diffusion.BetaSchedule;
import org.dimba4j.model.diffusion.GaussianDiffusion;
import org.dimba4j.train.EpsilonMseLoss;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Min-SNR-gamma against its definition (diffusers' {@code compute_snr} and the epsilon branch of
 * {@code train_text_to_image.py}: {@code min(snr, gamma) / snr}), the weighted learned-sigma head against finite
 * differences of its own value, and "off" as the official objective to the bit.
 */
class SnrWeightingTest {
    static final GaussianDiffusion LINEAR = GaussianDiffusion.of(BetaSchedule.linear(1000));
    static final int B = 4, C = 2, H = 3, W = 3;

    @Test
    void weightIsMinSnrGammaOverSnrAndOneWhereTheSnrIsBelowGamma() {
        SnrWeighting w = SnrWeighting.minSnr(5);
        int below = 0;
        for (int t = 0; t < 1000; t++) {
            double abar = LINEAR.alphaCumprod(t), snr = abar / (1 - abar);
            double expected = snr < 5 ? 1 : 5 / snr;
            assertEquals(expected, w.weight(LINEAR, t), 1e-15, "t = " + t);
            if (snr < 5) below++;
            assertEquals(1.0, SnrWeighting.OFF.weight(LINEAR, t), "off: every weight is exactly 1");
        }
        // the linear schedule's SNR crosses 5 near t = 120: the clean eighth of the schedule is weighted down
        assertTrue(below > 850 && below < 900, below + " timesteps with SNR below 5");
        assertEquals(5 / (LINEAR.alphaCumprod(0) / (1 - LINEAR.alphaCumprod(0))), w.weight(LINEAR, 0), 1e-15);
        assertTrue(w.weight(LINEAR, 0) < 1e-3, "t = 0 (SNR ~ 1e4) is weighted below 1e-3");
    }

    @Test
    void floorRaisesTheNoisyEndToFloorOverSnrAndClampsWithGamma() {
        SnrWeighting floor = new SnrWeighting(0, 0.05), both = new SnrWeighting(5, 0.05);
        for (int t = 0; t < 1000; t++) {
            double abar = LINEAR.alphaCumprod(t), snr = abar / (1 - abar);
            assertEquals(Math.max(snr, 0.05) / snr, floor.weight(LINEAR, t), 1e-12, "floor, t = " + t);
            assertEquals(Math.max(Math.min(snr, 5), 0.05) / snr, both.weight(LINEAR, t), 1e-12, "clamp, t = " + t);
        }
        // at t = 999 (SNR 4e-5) the floor weighs the epsilon mse by ~1250: an x0 error counts 0.05, not 4e-5
        assertTrue(floor.weight(LINEAR, 999) > 1000 && floor.weight(LINEAR, 999) < 1500, "" + floor.weight(LINEAR, 999));
        assertEquals(1.0, floor.weight(LINEAR, 300), "SNR above the floor: weight 1");
    }

    @Test
    void refusesNegativeAndNonFiniteGamma() {
        for (double g : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SnrWeighting.minSnr(g));
            assertTrue(e.getMessage().contains("gamma"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new SnrWeighting(0, g));
            assertTrue(e.getMessage().contains("floor"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SnrWeighting(1, 2));
        assertTrue(e.getMessage().contains("floor 2.0 is above"), e.getMessage());
    }

    @Test
    void offIsTheOfficialHeadBitForBit() {
        Random r = new Random(3);
        int[] t = {0, 40, 500, 999};
        Tensor x0 = gaussian(r, 1.5, B, C, H, W), noise = gaussian(r, 1, B, C, H, W), out = gaussian(r, 0.7, B, 2 * C, H, W);
        Tensor xt = qSample(x0, noise, t);
        LearnedSigmaLoss.Terms a = LearnedSigmaLoss.dimba().evaluate(out, x0, xt, noise, t);
        LearnedSigmaLoss.Terms b = LearnedSigmaLoss.dimba().withWeighting(SnrWeighting.OFF).evaluate(out, x0, xt, noise, t);
        assertEquals(a.loss(), b.loss());
        assertArrayEquals(a.dOut().toFloatArray(), b.dOut().toFloatArray());
    }

    @Test
    void weightedHeadIsTheWeightedMseMeanPlusVbAndItsDerivativeMatchesFiniteDifferences() {
        Random r = new Random(11);
        int[] t = {0, 60, 300, 999};
        SnrWeighting weighting = new SnrWeighting(5, 0.05);
        LearnedSigmaLoss head = LearnedSigmaLoss.dimba().withWeighting(weighting);
        Tensor x0 = gaussian(r, 1.5, B, C, H, W), noise = gaussian(r, 1, B, C, H, W);
        float[] out = gaussian(r, 0.7, B, 2 * C, H, W).toFloatArray();
        Tensor xt = qSample(x0, noise, t);
        LearnedSigmaLoss.Terms terms = head.evaluate(Tensor.of(out, B, 2 * C, H, W), x0, xt, noise, t);
        LearnedSigmaLoss.Terms official = LearnedSigmaLoss.dimba().evaluate(Tensor.of(out, B, 2 * C, H, W), x0, xt, noise, t);
        double expected = 0;
        for (int s = 0; s < B; s++) {
            assertEquals(official.mse()[s], terms.mse()[s], "the reported mse stays unweighted");
            assertEquals(official.vb()[s], terms.vb()[s], "vb is not weighted");
            expected += (weighting.weight(LINEAR, t[s]) * terms.mse()[s] + terms.vb()[s]) / B;
        }
        assertEquals(expected, terms.loss(), 1e-12);
        float[] d = terms.dOut().toFloatArray();
        for (int i = 0; i < out.length; i++) {
            float[] plus = out.clone(), minus = out.clone();
            plus[i] += 1e-3f;
            minus[i] -= 1e-3f;
            double hp = plus[i] - out[i], hm = out[i] - minus[i];
            boolean variance = (i / (H * W)) % (2 * C) >= C;
            // vb sees epsilon detached: for an epsilon element only the weighted mse part moves
            double fd = (value(head, plus, x0, xt, noise, t, variance, weighting) - value(head, minus, x0, xt, noise, t, variance, weighting)) / (hp + hm);
            assertTrue(Math.abs(fd - d[i]) < 1e-6 + 1e-3 * Math.abs(fd), "d loss / d out[" + i + "] = " + d[i] + ", finite difference " + fd);
        }
    }

    @Test
    void weightedEpsilonMseOnTheBackendIsTheWeightedBatchMean() {
        Random r = new Random(17);
        int[] t = {0, 60, 300, 999};
        SnrWeighting weighting = SnrWeighting.minSnr(5);
        Tensor noise = gaussian(r, 1, B, C, H, W), out = gaussian(r, 1, B, C, H, W);
        CpuBackend be = new CpuBackend();
        double got = be.download(EpsilonMseLoss.dimba().withWeighting(weighting).mse(be, out, noise, t)).getFlat(0);
        float[] o = out.toFloatArray(), n = noise.toFloatArray();
        int per = C * H * W;
        double expected = 0;
        for (int s = 0; s < B; s++) {
            double sq = 0;
            for (int k = 0; k < per; k++) sq += Math.pow((double) o[s * per + k] - n[s * per + k], 2);
            expected += weighting.weight(LINEAR, t[s]) * sq / per / B;
        }
        assertEquals(expected, got, 1e-6 * expected);
        assertEquals(be.download(EpsilonMseLoss.dimba().mse(be, out, noise)).getFlat(0),
                be.download(EpsilonMseLoss.dimba().mse(be, out, noise, t)).getFlat(0), "no weighting: the official loss, to the bit");
    }

    /** The loss, or without vb the batch mean of the weighted mse terms alone. */
    private static double value(LearnedSigmaLoss head, float[] out, Tensor x0, Tensor xt, Tensor noise, int[] t, boolean withVb,
                                SnrWeighting w) {
        LearnedSigmaLoss.Terms terms = head.evaluate(Tensor.of(out, B, 2 * C, H, W), x0, xt, noise, t);
        if (withVb) return terms.loss();
        double m = 0;
        for (int s = 0; s < B; s++) m += w.weight(LINEAR, t[s]) * terms.mse()[s] / B;
        return m;
    }

    private static Tensor qSample(Tensor x0, Tensor noise, int[] t) {
        return LearnedSigmaLossTest.qSample(null, x0, noise, t);
    }

    private static Tensor gaussian(Random r, double scale, int... shape) {
        return LearnedSigmaLossTest.gaussian(r, scale, shape);
    }
}
