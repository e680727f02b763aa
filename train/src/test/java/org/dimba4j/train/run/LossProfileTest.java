package org.dimba4j.train.run;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.model.diffusion.BetaSchedule;
import org.dimba4j.model.diffusion.GaussianDiffusion;
import org.dimba4j.model.vae.VaeConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LossProfile}: the data-mean predictor's closed form against the predictor run on the same draws, the
 * model's mse against one forward per timestep done by hand, batch size and reruns leaving every number unchanged.
 */
class LossProfileTest {
    static final int[] T = {0, 250, 600, 999};
    static final GaussianDiffusion LINEAR = GaussianDiffusion.of(BetaSchedule.linear(1000));

    @Test
    void meanPredictorIsSnrTimesTheVarianceAboutTheMeanOfTheSameDraws() {
        SeededLatentData data = SeededLatentData.tiny(3, 6);
        List<LossProfile.Row> rows = LossProfile.measure(RunFixtures.TINY, data, new CpuBackend(), T, 6, 4, 9);
        // the predictor itself, on the profile's own draws: eps_hat = (x_t - sqrt(abar) mu) / sqrt(1 - abar)
        float scaling = VaeConfig.load(RunFixtures.TINY.resolve("vae/config.json")).scalingFactor();
        float[][] x0 = new float[2][], noise = new float[2][];
        int[][] ids = {{0, 1, 2, 3}, {4, 5}};
        for (int i = 0; i < 2; i++) {
            Batch b = Batch.of(data, ids[i]);
            StepDraws d = StepDraws.of(9 ^ LossProfile.PROFILE_STREAM, i, ids[i].length, b.latentShape(), 1000);
            x0[i] = b.sampleLatents(d.posteriorNoise(), scaling).toFloatArray();
            noise[i] = d.noise().toFloatArray();
        }
        int per = x0[0].length / 4;
        double[] mu = new double[per];
        for (float[] x : x0) for (int k = 0; k < x.length; k++) mu[k % per] += x[k] / 6.0;
        for (int j = 0; j < T.length; j++) {
            double abar = LINEAR.alphaCumprod(T[j]), s1 = Math.sqrt(abar), s2 = Math.sqrt(1 - abar), sq = 0;
            for (int i = 0; i < 2; i++) {
                for (int k = 0; k < x0[i].length; k++) {
                    double xt = s1 * x0[i][k] + s2 * noise[i][k];
                    double e = (xt - s1 * mu[k % per]) / s2 - noise[i][k];
                    sq += e * e;
                }
            }
            double direct = sq / (6.0 * per);
            LossProfile.Row r = rows.get(j);
            assertEquals(T[j], r.timestep());
            assertEquals(abar / (1 - abar), r.snr(), 1e-12 * r.snr());
            assertEquals(direct, r.meanPredictorMse(), 1e-6 * direct + 1e-12, "data-mean predictor at t = " + T[j]);
            assertTrue(r.modelMse() > 0 && Double.isFinite(r.modelMse()));
        }
    }

    @Test
    void batchSizeAndRerunsChangeNoNumberAndTheModelMseIsTheForwardsMean() {
        SeededLatentData data = SeededLatentData.tiny(4, 5);
        CpuBackend be = new CpuBackend();
        List<LossProfile.Row> a = LossProfile.measure(RunFixtures.TINY, data, be, T, 5, 5, 2);
        List<LossProfile.Row> again = LossProfile.measure(RunFixtures.TINY, data, be, T, 5, 5, 2);
        assertEquals(a, again, "deterministic");
        // one batch of 5 against the same examples profiled one by one would draw differently (the draws are per
        // batch), so the by-hand check runs the same single batch
        float scaling = VaeConfig.load(RunFixtures.TINY.resolve("vae/config.json")).scalingFactor();
        Batch b = Batch.of(data, new int[] {0, 1, 2, 3, 4});
        StepDraws d = StepDraws.of(2 ^ LossProfile.PROFILE_STREAM, 0, 5, b.latentShape(), 1000);
        Tensor x0 = b.sampleLatents(d.posteriorNoise(), scaling);
        var config = org.dimba4j.model.dimba.DimbaConfig.load(RunFixtures.TINY.resolve("transformer/config.json"));
        try (var w = org.dimba4j.io.Checkpoints.open(RunFixtures.TINY.resolve("transformer"))) {
            var model = org.dimba4j.model.dimba.Dimba.of(config, w, be);
            var objective = org.dimba4j.train.EpsilonMseLoss.dimba();
            int[] t = {600, 600, 600, 600, 600};
            Tensor out = model.forward(objective.qSample(be, x0, t, d.noise()), org.dimba4j.train.EpsilonMseLoss.timesteps(t),
                    b.captionTensor(), b.mask());
            float[] o = out.toFloatArray(), n = d.noise().toFloatArray();
            int per = n.length / 5, c = config.inChannels(), plane = per / c;
            double sq = 0;
            for (int s = 0; s < 5; s++) {
                for (int k = 0; k < per; k++) {
                    double e = o[(s * 2 * c + k / plane) * plane + k % plane] - n[s * per + k];
                    sq += e * e;
                }
            }
            assertEquals(sq / (5.0 * per), a.get(2).modelMse(), 1e-5 * a.get(2).modelMse(), "model eps mse at t = 600");
        }
    }

    @Test
    void dataWithTokenIdsIsEncodedByTheModelsOwnTextEncoder() {
        CpuBackend be = new CpuBackend();
        SeededLatentData cached = SeededLatentData.tiny(4, 5), withIds = SeededLatentData.tiny(4, 5).withInputIds(130);
        // the same examples with the features that the tiny model's encoder gives their ids, in place of the seeded ones
        SeededLatentData encoded = SeededLatentData.tiny(4, 5);
        try (var t5 = org.dimba4j.model.t5.T5Encoder.load(RunFixtures.TINY.resolve("text_encoder"), be)) {
            for (int i = 0; i < 5; i++) {
                var e = withIds.get(i);
                Tensor f = t5.encode(e.inputIds().reshape(1, 16), e.captionMask().reshape(1, 16));
                encoded.withCaption(i, Tensor.of(f.toFloatArray(), 16, 32));
            }
        }
        List<LossProfile.Row> own = LossProfile.measure(RunFixtures.TINY, withIds, be, T, 5, 5, 2);
        List<LossProfile.Row> byFeatures = LossProfile.measure(RunFixtures.TINY, encoded, be, T, 5, 5, 2);
        List<LossProfile.Row> seeded = LossProfile.measure(RunFixtures.TINY, cached, be, T, 5, 5, 2);
        for (int j = 0; j < T.length; j++) {
            assertEquals(byFeatures.get(j).modelMse(), own.get(j).modelMse(), 1e-6 * byFeatures.get(j).modelMse(), "t " + T[j]);
        }
        assertTrue(Math.abs(seeded.get(2).modelMse() - own.get(2).modelMse()) > 1e-6 * seeded.get(2).modelMse(),
                "the cached seeded features are not what was used");
    }

    @Test
    void refusesTooFewOrTooManyExamplesAndTimestepsOffTheSchedule() {
        SeededLatentData data = SeededLatentData.tiny(5, 3);
        CpuBackend be = new CpuBackend();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossProfile.measure(RunFixtures.TINY, data, be, T, 4, 2, 0));
        assertTrue(e.getMessage().contains("fewer than the 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LossProfile.measure(RunFixtures.TINY, data, be, T, 1, 2, 0));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LossProfile.measure(RunFixtures.TINY, data, be, new int[] {1000}, 2, 2, 0));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }
}
