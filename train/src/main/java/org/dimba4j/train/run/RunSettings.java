package org.dimba4j.train.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.dimba4j.train.optim.OptimizerSettings;
import org.dimba4j.train.optim.Optimizers;

/**
 * Every setting of a training run, as {@code RUN/train.json} stores it, so {@code dimba train --resume RUN} needs no
 * other flag. Paths are stored as given (absolute when the CLI made them so).
 *
 * @param model         the model folder the run starts from (its tokenizer, text encoder and VAE go into every checkpoint)
 * @param data          the training data (an imagefolder or a cache), as the data loader names it
 * @param steps         total optimizer steps of the run
 * @param batch         examples per step
 * @param lr            peak learning rate
 * @param warmupSteps   linear warm-up from 0 (transformers' constant schedule with warm-up), 0 for none
 * @param weightDecay   decoupled weight decay
 * @param maxGradNorm   clip the total gradient L2 norm to this (0: no clipping)
 * @param captionDropout probability of replacing a caption with the learned null caption (official: 0.1)
 * @param seed          the seed every per-step draw and the data order derive from
 * @param saveEvery     checkpoint every this many steps (the last step is always saved)
 * @param keepLast      keep only the newest this many checkpoints (0: keep every one)
 * @param optimizer     {@code came} or {@code adamw}
 * @param stage         {@code pretrain}, {@code quality-tune} or {@code adapt-resolution}
 * @param device        {@code cpu}, {@code opencl} or {@code auto}
 * @param betas         the optimizer's betas ({@code --betas}), null for its default (CAME 3, AdamW 2)
 * @param eps           the optimizer's eps ({@code --eps}), null for its default (CAME 2, AdamW 1)
 * @param emaDecay      PixArt's {@code update_ema} rate after every update ({@code --ema-decay}), 0 for no EMA
 * @param evalEvery     eval on {@code evalData} every this many steps ({@code --eval-every}), 0 for none
 * @param evalData      the held-out examples of the eval ({@code --eval-data}), null without evals
 * @param patience      stop after this many evals in a row without a lower eval loss ({@code --patience}), 0: never
 * @param from          {@code --stage adapt-resolution}: the model folder adapted ({@code --from}), else null
 * @param size          {@code --stage adapt-resolution}: the new image size in pixels ({@code --size}), else 0
 * @param sampleEvery   write {@code RUN/samples/step-N.png} every this many steps and at the end
 *                      ({@code --sample-every}), 0 for none
 * @param samplePrompts the file of the sample prompts, one a line ({@code --sample-prompts}), null for the official
 *                      validation prompts
 * @param snrGamma      the cap of the SNR weighting of the epsilon mse, min-SNR-gamma ({@code --snr-gamma},
 *                      {@link org.dimba4j.train.objective.SnrWeighting}), 0 for none
 * @param snrFloor      its floor, truncated SNR ({@code --snr-floor}), 0 for none; both 0: the official unweighted loss
 * @param trainTextEncoder train the model folder's T5 encoder jointly with the denoiser through the diffusion loss
 *                      ({@code --train-text-encoder}); off (the official recipe): T5 stays frozen
 */
public record RunSettings(String model, String data, int steps, int batch, double lr, int warmupSteps,
                          double weightDecay, double maxGradNorm, double captionDropout, long seed, int saveEvery,
                          int keepLast, String optimizer, String stage, String device, List<Double> betas,
                          List<Double> eps, double emaDecay, int evalEvery, String evalData, int patience,
                          String from, int size, int sampleEvery, String samplePrompts, double snrGamma,
                          double snrFloor, boolean trainTextEncoder) {
    public static final String FILE = "train.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunSettings {
        if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, not " + steps);
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, not " + batch);
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr must be a finite number >= 0, not " + lr);
        if (warmupSteps < 0) throw new IllegalArgumentException("warmup steps must be >= 0, not " + warmupSteps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, not " + weightDecay);
        if (!(maxGradNorm >= 0)) throw new IllegalArgumentException("max grad norm must be >= 0 (0: off), not " + maxGradNorm);
        if (!(captionDropout >= 0 && captionDropout <= 1)) {
            throw new IllegalArgumentException("caption dropout must be in [0, 1], not " + captionDropout);
        }
        if (saveEvery < 1) throw new IllegalArgumentException("save-every must be at least 1, not " + saveEvery);
        if (keepLast < 0) throw new IllegalArgumentException("keep-last must be >= 0 (0: keep all), not " + keepLast);
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("ema decay must be in [0, 1) (0: no EMA), not " + emaDecay);
        }
        if (evalEvery < 0) throw new IllegalArgumentException("eval-every must be >= 0 (0: no evals), not " + evalEvery);
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0 (0: never stop early), not " + patience);
        if (evalEvery > 0 && evalData == null) throw new IllegalArgumentException("--eval-every needs --eval-data DATA");
        if (evalEvery == 0 && patience > 0) throw new IllegalArgumentException("--patience needs --eval-every N");
        if ("quality-tune".equals(stage) && evalEvery == 0) {
            throw new IllegalArgumentException("--stage quality-tune needs --eval-every N and --eval-data DATA");
        }
        boolean adapt = ResolutionAdaptation.STAGE.equals(stage);
        if (adapt && (from == null || size <= 0)) {
            throw new IllegalArgumentException("--stage adapt-resolution needs --from CKPT and --size S");
        }
        if (!adapt && (from != null || size != 0)) {
            throw new IllegalArgumentException("--from and --size belong to --stage adapt-resolution, not " + stage);
        }
        if (sampleEvery < 0) throw new IllegalArgumentException("sample-every must be >= 0 (0: no samples), not " + sampleEvery);
        if (sampleEvery == 0 && samplePrompts != null) throw new IllegalArgumentException("--sample-prompts needs --sample-every N");
        new org.dimba4j.train.objective.SnrWeighting(snrGamma, snrFloor); // fails here, naming the bad value
        betas = finite("betas", betas);
        eps = finite("eps", eps);
        if (betas != null) {
            for (double b : betas) {
                if (!(b >= 0 && b < 1)) throw new IllegalArgumentException("betas must be in [0, 1), not " + betas);
            }
        }
        if (eps != null) {
            for (double e : eps) if (!(e > 0)) throw new IllegalArgumentException("eps must be > 0, not " + eps);
        }
        // The optimizer checks the count (CAME takes 3 betas and 2 eps, AdamW 2 and 1) before the first step.
        if (optimizer != null) optimizerSettings(optimizer, weightDecay, betas, eps);
    }

    /** A builder at the official defaults ({@link RunSettingsBuilder}). */
    public static RunSettingsBuilder builder() {
        return new RunSettingsBuilder();
    }

    /** A builder starting from these settings. */
    public RunSettingsBuilder toBuilder() {
        return new RunSettingsBuilder(this);
    }

    /** The optimizer hyper-parameters of this run: its weight decay, betas and eps. */
    public OptimizerSettings optimizerSettings() {
        return optimizerSettings(optimizer, weightDecay, betas, eps);
    }

    private static OptimizerSettings optimizerSettings(String optimizer, double weightDecay, List<Double> betas,
                                                       List<Double> eps) {
        OptimizerSettings os = new OptimizerSettings(weightDecay, array(betas), array(eps));
        Optimizers.create(optimizer, os); // fails here, naming the problem, on a wrong count of betas or eps
        return os;
    }

    private static List<Double> finite(String what, List<Double> v) {
        if (v == null) return null;
        if (v.isEmpty()) throw new IllegalArgumentException(what + " must not be empty (omit it for the default)");
        for (Double d : v) {
            if (d == null || !Double.isFinite(d)) throw new IllegalArgumentException(what + " must be finite numbers, not " + v);
        }
        return List.copyOf(v);
    }

    private static double[] array(List<Double> v) {
        return v == null ? null : v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The same run with another total step count (for {@code --resume RUN --steps N}). */
    public RunSettings withSteps(int newSteps) {
        return toBuilder().steps(newSteps).build();
    }

    /** The weighting of the training loss's mse term ({@link org.dimba4j.train.objective.SnrWeighting#OFF}: official). */
    public org.dimba4j.train.objective.SnrWeighting weighting() {
        return new org.dimba4j.train.objective.SnrWeighting(snrGamma, snrFloor);
    }

    /** The learning rate of update {@code step} (0-based): the official constant schedule with linear warm-up. */
    public double lrAt(int step) {
        return org.dimba4j.train.optim.LearningRateSchedule.constant(lr, warmupSteps).lr(step);
    }

    /** Writes {@code RUN/train.json} atomically. */
    public void write(Path runDir) {
        ObjectNode n = JSON.valueToTree(this);
        n.put("format", "dimba4j-train-run/1");
        try {
            Files.createDirectories(runDir);
            Path tmp = runDir.resolve(FILE + ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(n) + "\n");
            Files.move(tmp, runDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + runDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code RUN/train.json}; a missing or incomplete file is an error naming it. */
    public static RunSettings read(Path runDir) {
        Path f = runDir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new IllegalArgumentException(runDir + " is not a training run: no " + FILE);
        try {
            JsonNode n = JSON.readTree(f.toFile());
            RunSettingsBuilder b = builder().model(text(n, "model", f)).data(text(n, "data", f))
                    .steps(num(n, "steps", f).intValue()).batch(num(n, "batch", f).intValue())
                    .lr(num(n, "lr", f).doubleValue()).warmupSteps(num(n, "warmupSteps", f).intValue())
                    .weightDecay(num(n, "weightDecay", f).doubleValue()).maxGradNorm(num(n, "maxGradNorm", f).doubleValue())
                    .captionDropout(num(n, "captionDropout", f).doubleValue()).seed(num(n, "seed", f).longValue())
                    .saveEvery(num(n, "saveEvery", f).intValue()).keepLast(num(n, "keepLast", f).intValue())
                    .optimizer(text(n, "optimizer", f)).stage(text(n, "stage", f)).device(text(n, "device", f))
                    .betas(numbers(n, "betas", f)).eps(numbers(n, "eps", f));
            // settings added after the first runs: absent in older train.json files, which had their defaults
            if (n.has("emaDecay")) b.emaDecay(num(n, "emaDecay", f).doubleValue());
            if (n.has("evalEvery")) b.evalEvery(num(n, "evalEvery", f).intValue());
            if (n.hasNonNull("evalData")) b.evalData(text(n, "evalData", f));
            if (n.has("patience")) b.patience(num(n, "patience", f).intValue());
            if (n.hasNonNull("from")) b.from(text(n, "from", f));
            if (n.has("size")) b.size(num(n, "size", f).intValue());
            if (n.has("sampleEvery")) b.sampleEvery(num(n, "sampleEvery", f).intValue());
            if (n.hasNonNull("samplePrompts")) b.samplePrompts(text(n, "samplePrompts", f));
            if (n.has("snrGamma")) b.snrGamma(num(n, "snrGamma", f).doubleValue());
            if (n.has("snrFloor")) b.snrFloor(num(n, "snrFloor", f).doubleValue());
            if (n.has("trainTextEncoder")) {
                if (!n.get("trainTextEncoder").isBoolean()) {
                    throw new IllegalArgumentException(f + ": setting 'trainTextEncoder' must be true or false");
                }
                b.trainTextEncoder(n.get("trainTextEncoder").booleanValue());
            }
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String key, Path f) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException(f + ": missing text setting '" + key + "'");
        return v.asText();
    }

    /** An optional list of numbers: absent or null (a run written before the setting existed) is the default. */
    private static List<Double> numbers(JsonNode n, String key, Path f) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw new IllegalArgumentException(f + ": setting '" + key + "' must be a list of numbers");
        List<Double> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isNumber()) throw new IllegalArgumentException(f + ": setting '" + key + "' must be a list of numbers");
            out.add(e.doubleValue());
        }
        return out;
    }

    private static Number num(JsonNode n, String key, Path f) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber()) throw new IllegalArgumentException(f + ": missing number setting '" + key + "'");
        return v.numberValue();
    }
}
