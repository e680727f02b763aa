package org.dimba4j.train.vae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.io.FileTrees;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.random.TorchGenerator;
import org.dimba4j.model.vae.AutoencoderKL;
import org.dimba4j.model.vae.VaeConfig;
import org.dimba4j.train.Parameters;
import org.dimba4j.train.data.DataOrder;
import org.dimba4j.train.data.DataPosition;
import org.dimba4j.train.data.ImageFolder;
import org.dimba4j.train.optim.LearningRateSchedule;
import org.dimba4j.train.optim.Optimizer;
import org.dimba4j.train.optim.OptimizerSettings;
import org.dimba4j.train.optim.OptimizerState;
import org.dimba4j.train.optim.Optimizers;
import org.dimba4j.train.run.EvalState;
import org.dimba4j.train.run.TrainerState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code dimba train-vae}: trains an AutoencoderKL on an imagefolder dataset and writes a diffusers {@code vae/} folder.
 * <pre>
 *   RUN/train-vae.json              the settings and the VAE config (a resume must match them)
 *   RUN/loss.csv                    step,loss,reconstruction,kl,lr,psnr_db
 *   RUN/checkpoints/step-N/vae/     a loadable vae folder; trainer/ holds AdamW's moments and the state
 *   RUN/vae/                        the final VAE, its scaling_factor = 1 / std of the training latents (as SD's 0.18215)
 *   RUN/eval.json                   reconstruction PSNR on the held-out images, the latent statistics
 * </pre>
 * Every folder is written aside and renamed; the data order and the posterior noise are functions of (seed, step), so
 * a run resumed from its newest checkpoint ends with the same bytes as one that was never stopped (CPU backend).
 * The dataset's last {@code holdout} images are never trained on.
 */
public final class VaeTrainingRun {
    public static final String SETTINGS = "train-vae.json", LOSS = "loss.csv", EVAL = "eval.json", FINAL = "vae";
    static final String WEIGHTS = "diffusion_pytorch_model.safetensors", OPTIMIZER = "optimizer.safetensors";
    static final String HEADER = "step,loss,reconstruction,kl,lr,psnr_db";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int SCALING_SAMPLE = 256;

    private final VaeRunSettings settings;
    private final VaeConfig config;
    private final Backend be;

    /** What the run ended with. */
    public record Result(int steps, double heldOutPsnrDb, float scalingFactor, double latentStd, Path vae) {}

    public VaeTrainingRun(VaeRunSettings settings, VaeConfig config, Backend be) {
        this.settings = settings;
        this.config = config;
        this.be = be;
    }

    /** Trains from {@code init} (ignored when the run folder already has a checkpoint to resume from). */
    public Result run(TensorSource init, Consumer<String> log) {
        ImageFolder data = ImageFolder.open(settings.data(), false);
        int trainSize = data.size() - settings.holdout();
        if (trainSize < settings.batch()) {
            throw new IllegalArgumentException(settings.data() + " has " + data.size() + " images; --holdout "
                    + settings.holdout() + " leaves " + trainSize + ", fewer than one batch of " + settings.batch());
        }
        Path run = settings.runDir();
        Path settingsFile = run.resolve(SETTINGS);
        String settingsJson = settingsJson();
        Parameters params;
        Optimizer optimizer = Optimizers.create("adamw", new OptimizerSettings(0.0, null, null), be);
        int step = 0;
        DataPosition position = DataPosition.START;
        try {
            if (Files.exists(settingsFile)) {
                if (!withoutSteps(JSON.readTree(settingsFile.toFile())).equals(withoutSteps(JSON.readTree(settingsJson)))) {
                    throw new IllegalArgumentException(run + " holds a train-vae run with other settings (" + settingsFile
                            + "); give a new -o or the same flags (only --steps may change)");
                }
                writeAtomically(settingsFile, settingsJson); // the new --steps
                int newest = newestCheckpoint();
                if (newest >= 0) {
                    Path ck = checkpoint(newest);
                    params = Parameters.copyOf(SafetensorsFile.open(ck.resolve("vae/" + WEIGHTS)), be);
                    TrainerState s = TrainerState.read(ck.resolve("trainer"));
                    optimizer.restore(new OptimizerState(s.optimizer(), readAll(ck.resolve("trainer/" + OPTIMIZER)), s.optimizerScalars()));
                    step = s.step();
                    position = new DataPosition(s.epoch(), (int) s.offset());
                    log.accept("resuming " + run + " at step " + step);
                } else {
                    params = Parameters.copyOf(init, be);
                }
            } else {
                Files.createDirectories(run);
                writeAtomically(settingsFile, settingsJson);
                params = Parameters.copyOf(init, be);
            }
            keepLossRowsUpTo(step);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the run folder " + run + ": " + e.getMessage(), e);
        }

        VaeTrainer trainer = new VaeTrainer(config, params, be, new VaeLoss(settings.klWeight()), optimizer);
        LearningRateSchedule schedule = LearningRateSchedule.constant(settings.lr(), settings.warmupSteps());
        DataOrder order = new DataOrder(trainSize, settings.seed(), position);
        int size = config.sampleSize(), latent = size / config.downsampleFactor();
        long started = System.nanoTime();
        int firstStep = step;
        while (step < settings.steps()) {
            int[] idx = order.nextBatch(settings.batch());
            Tensor images = batch(data, idx, size);
            Tensor noise = new TorchGenerator(settings.seed() * 1_000_003L + step)
                    .randn(settings.batch(), config.latentChannels(), latent, latent);
            double lr = schedule.lr(step);
            VaeTrainer.Step s = trainer.step(images, noise, lr);
            if (!Double.isFinite(s.loss())) throw new IllegalStateException("train-vae: the loss is " + s.loss() + " at step " + step + " (lower --lr?)");
            step++;
            appendLoss(step, s, lr);
            if (step % 20 == 0 || step == settings.steps()) {
                double perStep = (System.nanoTime() - started) / 1e9 / (step - firstStep);
                log.accept(String.format("step %d/%d  loss %.5f  reconstruction %.2f dB  kl %.3f  lr %.2g  %.2f s/step",
                        step, settings.steps(), s.loss(), psnr(s.reconstruction()), s.kl(), lr, perStep));
            }
            if (step % settings.checkpointEvery() == 0 || step == settings.steps()) {
                writeCheckpoint(step, trainer.parameters(), optimizer, order.position());
            }
        }
        return finish(data, trainSize, trainer.parameters(), step, log);
    }

    private Result finish(ImageFolder data, int trainSize, Parameters params, int steps, Consumer<String> log) {
        AutoencoderKL vae = AutoencoderKL.of(config, params, be);
        int size = config.sampleSize();
        // SD's scaling factor: 1 / std of the posterior means over training images, so diffusion sees unit-scale latents
        double sum = 0, sumSq = 0;
        long count = 0;
        int sample = Math.min(SCALING_SAMPLE, trainSize);
        for (int from = 0; from < sample; from += settings.batch()) {
            int[] idx = range(from, Math.min(sample, from + settings.batch()));
            float[] m = vae.encode(batch(data, idx, size)).mean().toFloatArray();
            for (float v : m) {
                sum += v;
                sumSq += (double) v * v;
            }
            count += m.length;
        }
        double mean = sum / count, std = Math.sqrt(Math.max(1e-12, sumSq / count - mean * mean));
        float scaling = (float) (1 / std);
        double se = 0;
        long px = 0;
        for (int from = trainSize; from < data.size(); from += settings.batch()) {
            int[] idx = range(from, Math.min(data.size(), from + settings.batch()));
            Tensor x = batch(data, idx, size);
            float[] rec = vae.decode(vae.encode(x).mean()).toFloatArray(), ref = x.toFloatArray();
            for (int i = 0; i < rec.length; i++) {
                double d = Math.max(-1, Math.min(1, rec[i])) - ref[i];
                se += d * d;
            }
            px += rec.length;
        }
        double heldOutPsnr = px == 0 ? Double.NaN : psnr(se / px);
        Path run = settings.runDir(), out = run.resolve(FINAL);
        try {
            Path aside = run.resolve(FINAL + ".tmp");
            FileTrees.delete(aside);
            writeVaeFolder(aside, config.toBuilder().scalingFactor(scaling).build(), params,
                    Map.of("dimba4j.train-vae", "step " + steps + ", seed " + settings.seed()));
            FileTrees.delete(out);
            Files.move(aside, out, StandardCopyOption.ATOMIC_MOVE);
            ObjectNode e = JSON.createObjectNode();
            e.put("steps", steps).put("heldout_images", data.size() - trainSize)
                    .put("heldout_psnr_db", Double.isNaN(heldOutPsnr) ? null : round(heldOutPsnr))
                    .put("latent_mean", round(mean)).put("latent_std", round(std)).put("scaling_factor", scaling)
                    .put("psnr_note", "images in [0, 1], reconstruction of the posterior mean, clamped to the image range");
            writeAtomically(run.resolve(EVAL), JSON.writeValueAsString(e) + "\n");
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the VAE to " + out + ": " + ex.getMessage(), ex);
        }
        log.accept(String.format("held-out reconstruction %.2f dB PSNR on %d images; latent std %.4f -> scaling_factor %.5f; wrote %s",
                heldOutPsnr, data.size() - trainSize, std, scaling, out));
        return new Result(steps, heldOutPsnr, scaling, std, out);
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /** PSNR in dB of images in [0, 1] given the mean squared error measured in [-1, 1] (4x larger). */
    static double psnr(double mseInUnitRange) {
        return 10 * Math.log10(4 / mseInUnitRange);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    private static Tensor batch(ImageFolder data, int[] idx, int size) {
        int per = 3 * size * size;
        float[] all = new float[idx.length * per];
        for (int i = 0; i < idx.length; i++) System.arraycopy(data.pixels(idx[i], size).toFloatArray(), 0, all, i * per, per);
        return Tensor.of(all, idx.length, 3, size, size);
    }

    private String settingsJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("data", settings.data().toAbsolutePath().normalize().toString()).put("steps", settings.steps())
                .put("batch", settings.batch()).put("lr", settings.lr()).put("warmup_steps", settings.warmupSteps())
                .put("kl_weight", settings.klWeight()).put("seed", settings.seed())
                .put("checkpoint_every", settings.checkpointEvery()).put("holdout", settings.holdout())
                .put("optimizer", "adamw").put("weight_decay", 0.0).put("loss", "mse + kl_weight * kl (element means)");
        try {
            n.set("vae_config", JSON.readTree(config.toJson()));
            return JSON.writeValueAsString(n) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resume may ask for more (or fewer) steps; every other setting must be the run's. */
    private static JsonNode withoutSteps(JsonNode n) {
        ObjectNode copy = n.deepCopy();
        copy.remove("steps");
        return copy;
    }

    private Path checkpoint(int step) {
        return settings.runDir().resolve("checkpoints").resolve("step-" + step);
    }

    /** The newest complete checkpoint (a renamed folder: the aside ones end in .tmp), or -1. */
    private int newestCheckpoint() throws IOException {
        Path dir = settings.runDir().resolve("checkpoints");
        if (!Files.isDirectory(dir)) return -1;
        int best = -1;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.matches("step-\\d+") && Files.isRegularFile(p.resolve("trainer/" + TrainerState.FILE))) {
                    best = Math.max(best, Integer.parseInt(name.substring(5)));
                }
            }
        }
        return best;
    }

    private void writeCheckpoint(int step, Parameters params, Optimizer optimizer, DataPosition position) {
        Path target = checkpoint(step), aside = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            FileTrees.delete(aside);
            writeVaeFolder(aside.resolve("vae"), config, params, Map.of("dimba4j.train-vae", "step " + step));
            Path trainer = Files.createDirectories(aside.resolve("trainer"));
            OptimizerState st = optimizer.state();
            SafetensorsWriter.write(trainer.resolve(OPTIMIZER), st.tensors().isEmpty() ? Map.of() : new TreeMap<>(st.tensors()),
                    Map.of("optimizer", st.optimizer()));
            new TrainerState(step, position.epoch(), position.offset(), settings.seed(), 0, st.optimizer(), st.scalars(),
                    EvalState.NONE).write(trainer);
            FileTrees.delete(target);
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    private void writeVaeFolder(Path dir, VaeConfig cfg, Parameters params, Map<String, String> meta) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), cfg.toJson() + "\n");
        Map<String, Tensor> host = new LinkedHashMap<>();
        for (var e : params.asMap().entrySet()) host.put(e.getKey(), be.download(e.getValue()));
        SafetensorsWriter.write(dir.resolve(WEIGHTS), host, meta);
    }

    private static Map<String, Tensor> readAll(Path file) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (TensorSource src = SafetensorsFile.open(file)) {
            for (String n : src.names()) m.put(n, Tensor.of(src.get(n).toFloatArray(), src.get(n).shape()));
        }
        return m;
    }

    private void appendLoss(int step, VaeTrainer.Step s, double lr) {
        Path f = settings.runDir().resolve(LOSS);
        try {
            if (!Files.exists(f)) Files.writeString(f, HEADER + "\n");
            Files.writeString(f, String.format(java.util.Locale.ROOT, "%d,%.7g,%.7g,%.7g,%.4g,%.3f%n", step, s.loss(),
                    s.reconstruction(), s.kl(), lr, psnr(s.reconstruction())), java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + f + ": " + e.getMessage(), e);
        }
    }

    /** On resume, rows past the checkpoint were written by steps that are about to run again. */
    private void keepLossRowsUpTo(int step) throws IOException {
        Path f = settings.runDir().resolve(LOSS);
        if (!Files.exists(f)) return;
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            if (line.equals(HEADER) || (!line.isBlank() && Integer.parseInt(line.substring(0, line.indexOf(','))) <= step)) kept.add(line);
        }
        writeAtomically(f, String.join("\n", kept) + "\n");
    }

    private static void writeAtomically(Path f, String text) throws IOException {
        Path aside = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(aside, text);
        Files.move(aside, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
