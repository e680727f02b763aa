package org.dimba4j.train.run;

import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.diffusion.BetaSchedule;
import org.dimba4j.model.diffusion.GaussianDiffusion;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.t5.T5Encoder;
import org.dimba4j.model.vae.VaeConfig;
import org.dimba4j.train.EpsilonMseLoss;
import org.dimba4j.train.data.TrainingData;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where along the noise schedule a denoiser has learned its data: the epsilon mse of a model folder's transformer
 * at fixed timesteps, on the first examples of a training set (their posterior sampled, noised and denoised with the
 * caption, no dropout, draws fixed by the seed), beside the mse of the <em>data-mean predictor</em>, which ignores
 * the noisy input's content and the caption and estimates x0 by the per-element mean of the same examples' latents:
 * its epsilon estimate (x_t - sqrt(abar) mu) / sqrt(1 - abar) misses by sqrt(SNR) (x0 - mu), so its mse is exactly
 * SNR_t times the latents' variance about mu.
 *
 * <p>The captions are encoded by the model folder's own text encoder when the data holds their token ids (an
 * imagefolder, or a cache that stores {@code input_ids}), so a model whose encoder was trained
 * ({@code --train-text-encoder}) is profiled with its own features; otherwise the data's cached features are used.
 *
 * <p>A model whose mse is above that line at a timestep has learned less there than a constant picture: at the noisy
 * end, where a sampler's first steps decide the layout, that is where text-to-layout fails.
 */
public final class LossProfile {
    /** Mixed into the seed so that the profile's draws coincide with no training step's or eval's. */
    static final long PROFILE_STREAM = 0x50524F46L;

    /** The default timesteps: both ends of the schedule and its middle. */
    public static final int[] DEFAULT_TIMESTEPS = {0, 10, 50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999};

    /** One timestep: its SNR, the model's epsilon mse and the data-mean predictor's. */
    public record Row(int timestep, double snr, double modelMse, double meanPredictorMse) {
        /** Model over data-mean predictor: below 1 the model beats a constant picture. */
        public double ratio() {
            return modelMse / meanPredictorMse;
        }
    }

    /** The training schedule's length: the linear schedule over 1000 steps. */
    private static final int TIMESTEPS = 1000;

    private LossProfile() {}

    /**
     * The checks of {@link #measure} that need no data, for a caller to run before it opens any: at least 2 examples
     * (the data-mean predictor needs a mean), a batch of at least 1, and timesteps on the 1000-step schedule.
     */
    public static void checkArguments(int[] timesteps, int examples, int batch) {
        if (examples < 2) throw new IllegalArgumentException("--examples must be at least 2, not " + examples);
        if (batch < 1) throw new IllegalArgumentException("--batch must be at least 1, not " + batch);
        if (timesteps.length == 0) throw new IllegalArgumentException("--timesteps: no timesteps to profile");
        for (int t : timesteps) {
            if (t < 0 || t >= TIMESTEPS) throw new IllegalArgumentException("--timesteps " + t + ": outside 0.." + (TIMESTEPS - 1));
        }
    }

    /**
     * The profile of {@code modelDir}'s transformer (its VAE's scaling factor scales the latents) on the first
     * {@code examples} examples of {@code data}, {@code batch} at a time.
     */
    public static List<Row> measure(Path modelDir, TrainingData data, Backend be, int[] timesteps, int examples, int batch,
                                    long seed) {
        checkArguments(timesteps, examples, batch);
        if (examples > data.size()) {
            throw new IllegalArgumentException(data.description() + " has " + data.size() + " examples, fewer than the "
                    + examples + " asked for");
        }
        GaussianDiffusion diffusion = GaussianDiffusion.of(BetaSchedule.linear(TIMESTEPS));
        DimbaConfig config = DimbaConfig.load(modelDir.resolve("transformer/config.json"));
        float scaling = VaeConfig.load(modelDir.resolve("vae/config.json")).scalingFactor();
        EpsilonMseLoss objective = EpsilonMseLoss.dimba();
        double[] sum = new double[timesteps.length];
        float[] latents = null;
        int per = 0;
        boolean ownEncoder = data.get(0).inputIds() != null;
        try (TensorSource weights = Checkpoints.open(modelDir.resolve("transformer"));
             T5Encoder textEncoder = ownEncoder ? T5Encoder.load(modelDir.resolve("text_encoder"), be) : null) {
            Dimba model = Dimba.of(config, weights, be);
            for (int start = 0, i = 0; start < examples; start += batch, i++) {
                int size = Math.min(batch, examples - start);
                int[] ids = new int[size];
                for (int k = 0; k < size; k++) ids[k] = start + k;
                Batch b = Batch.of(data, ids);
                StepDraws draws = StepDraws.of(seed ^ PROFILE_STREAM, i, size, b.latentShape(), diffusion.numTimesteps());
                Tensor x0 = b.sampleLatents(draws.posteriorNoise(), scaling);
                if (latents == null) {
                    per = (int) (x0.numel() / size);
                    latents = new float[examples * per];
                }
                System.arraycopy(x0.toFloatArray(), 0, latents, start * per, size * per);
                Tensor x0d = be.upload(x0), noise = be.upload(draws.noise());
                Tensor y = textEncoder == null ? be.upload(b.captionTensor())
                        : textEncoder.encode(b.inputIdsTensor(data.description()), b.mask())
                                .reshape(size, 1, b.captionShape()[0], config.captionChannels());
                Tensor mask = be.upload(b.mask());
                for (int j = 0; j < timesteps.length; j++) {
                    int[] t = new int[size];
                    Arrays.fill(t, timesteps[j]);
                    Tensor xt = objective.qSample(be, x0d, t, noise);
                    Tensor out = model.forward(xt, be.upload(EpsilonMseLoss.timesteps(t)), y, mask);
                    sum[j] += (double) be.download(objective.mse(be, out, noise)).getFlat(0) * size;
                }
            }
        }
        double variance = varianceAboutMean(latents, per);
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < timesteps.length; j++) {
            double abar = diffusion.alphaCumprod(timesteps[j]), snr = abar / (1 - abar);
            rows.add(new Row(timesteps[j], snr, sum[j] / examples, snr * variance));
        }
        return rows;
    }

    /** Mean over examples and elements of (x0 - mu)^2, mu the per-element mean of {@code x} [examples][per]. */
    static double varianceAboutMean(float[] x, int per) {
        int examples = x.length / per;
        double[] mu = new double[per];
        for (int i = 0; i < x.length; i++) mu[i % per] += x[i];
        for (int i = 0; i < per; i++) mu[i] /= examples;
        double v = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mu[i % per];
            v += d * d;
        }
        return v / x.length;
    }

    /** The profile as a markdown table. */
    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| t | SNR | model eps mse | data-mean predictor | model / mean |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(java.util.Locale.ROOT, "| %d | %.3g | %.4g | %.4g | %.2f |%n", r.timestep(), r.snr(),
                    r.modelMse(), r.meanPredictorMse(), r.ratio()));
        }
        return sb.toString();
    }
}
