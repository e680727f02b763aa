package org.dimba4j.train.run;

import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.vae.VaeConfig;
import org.dimba4j.train.DimbaTrainer;
import org.dimba4j.train.EpsilonMseLoss;
import org.dimba4j.train.Parameters;
import org.dimba4j.train.data.DataOrder;
import org.dimba4j.train.data.DataPosition;
import org.dimba4j.train.data.TrainingData;
import org.dimba4j.train.objective.CaptionDropout;
import org.dimba4j.train.optim.Ema;
import org.dimba4j.train.optim.Optimizer;
import org.dimba4j.train.optim.OptimizerState;
import org.dimba4j.train.text.TrainedTextEncoder;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A training run in {@code RUN/}: the loop of the official {@code train.py} (sample the VAE posterior, scale, drop
 * captions, q_sample at uniform timesteps, the denoiser's loss and gradients, clip, step) with everything a user needs
 * to trust it: {@code train.json}, {@code loss.csv}, {@code loss.png}, atomic checkpoints, exact resumption, and a
 * stop before any update whose loss or gradients are not finite.
 *
 * <p>Exact resumption rests on two things: every random draw of update {@code s} is a pure function of
 * (seed, s) ({@link StepDraws}) and the data order of (seed, epoch) ({@link DataOrder}, whose position is saved), and a checkpoint stores every number the next update reads
 * (f32 weights, the optimizer's tensors and scalars). So the weights after N steps do not depend on where the run
 * was stopped and resumed; on the CPU backend they are the same bits.
 */
public final class TrainingRun {
    /** The smoothed loss: an exponential moving average, bias-corrected as Adam's moments (so early steps read right). */
    static final double SMOOTHING = 0.98;
    public static final String SAMPLES = "samples";

    private final RunSettings settings;
    private final Path runDir;
    private final TrainingData data;
    private final Optimizer optimizer;
    private final Backend be;
    private final PrintWriter err;
    private final RunCheckpoints checkpoints;
    private final LossLog log;
    private boolean gradCheckpointing;
    private TrainingData evalData;
    private SampleHook samples;
    /** The eval state of the checkpoint the loop resumes from. */
    private EvalState resumedEval = EvalState.NONE;

    public TrainingRun(RunSettings settings, Path runDir, TrainingData data, Optimizer optimizer, Backend be, PrintWriter err) {
        if (!optimizer.name().equals(settings.optimizer())) {
            throw new IllegalArgumentException("the run's optimizer is " + settings.optimizer() + ", given " + optimizer.name());
        }
        this.settings = settings;
        this.runDir = runDir;
        this.data = data;
        this.optimizer = optimizer;
        this.be = be;
        this.err = err;
        this.checkpoints = new RunCheckpoints(runDir);
        this.log = new LossLog(runDir);
    }

    /**
     * Recompute each Dimba block in the backward instead of keeping its activations (less memory, one more forward per
     * block). Not a setting of the run: the gradients are the same bits either way, so a resumed run may choose
     * differently. Returns this run.
     */
    public TrainingRun withGradCheckpointing(boolean on) {
        gradCheckpointing = on;
        return this;
    }

    /** The held-out examples of {@code --eval-every} (required when the settings name eval data). Returns this run. */
    public TrainingRun withEvalData(TrainingData held) {
        if (held.size() == 0) throw new IllegalArgumentException("the eval data " + held.description() + " is empty");
        evalData = held;
        return this;
    }

    /** What writes {@code RUN/samples/step-N.png} (required when the settings sample). Returns this run. */
    public TrainingRun withSampleHook(SampleHook hook) {
        samples = hook;
        return this;
    }

    /** {@code RUN/samples/step-<N>.png}. */
    public Path samplePath(int step) {
        return runDir.resolve(SAMPLES).resolve("step-" + step + ".png");
    }

    public RunCheckpoints checkpoints() {
        return checkpoints;
    }

    /** A new run: refuses a folder that already holds one. Returns the final checkpoint's folder. */
    public Path start() {
        if (Files.exists(runDir.resolve(RunSettings.FILE))) {
            throw new IllegalArgumentException(runDir + " already holds a training run; continue it with --resume " + runDir);
        }
        checkEvalData();
        settings.write(runDir);
        return fromStepZero();
    }

    /** Step 0: the logs emptied, the starting weights, and a fresh EMA of them. */
    private Path fromStepZero() {
        log.truncateAfter(0);
        EvalLog.truncateAfter(runDir, 0);
        Parameters start = startingWeights();
        return loop(0, start, 0, DataPosition.START, newEma(start));
    }

    /** PixArt copies the model into the EMA before training; null without --ema-decay. */
    private Ema newEma(Parameters start) {
        return settings.emaDecay() > 0 ? new Ema(be, settings.emaDecay(), start.asMap()) : null;
    }

    /**
     * Continues from the newest complete checkpoint (from the start when the run died before its first one), to
     * {@code settings.steps()} (which may differ from train.json's: the file is updated). Returns the final checkpoint.
     */
    public Path resume() {
        RunSettings stored = RunSettings.read(runDir);
        if (!stored.withSteps(settings.steps()).equals(settings)) {
            throw new IllegalArgumentException("--resume " + runDir + ": only --steps may change; train.json says " + stored);
        }
        checkEvalData();
        checkpoints.removeUnfinished();
        Optional<Integer> newest = checkpoints.newest();
        if (newest.isPresent() && newest.get() > settings.steps()) {
            throw new IllegalArgumentException("--steps " + settings.steps() + " is before the newest checkpoint, step " + newest.get());
        }
        settings.write(runDir);
        if (newest.isEmpty()) {
            err.println("[dimba4j] train: " + runDir + " has no complete checkpoint; starting it again from step 0");
            return fromStepZero();
        }
        int step = newest.get();
        RunCheckpoints.Loaded c = checkpoints.read(step, settings.trainTextEncoder());
        DataPosition position = new DataPosition(c.state().epoch(), (int) c.state().offset());
        if (c.state().seed() != settings.seed() || position.offset() > data.size()) {
            throw new IllegalStateException(checkpoints.folder(step) + ": its seed or data position " + position
                    + " does not match " + runDir.resolve(RunSettings.FILE) + " and data of " + data.size() + " examples");
        }
        optimizer.restore(c.optimizer());
        log.truncateAfter(step);
        EvalLog.truncateAfter(runDir, step);
        resumedEval = c.state().eval();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        c.weights().forEach((n, t) -> weights.put(n, be.upload(t)));
        Parameters params = Parameters.of(weights, "checkpoint step-" + step);
        Ema ema = null;
        if (settings.emaDecay() > 0) {
            // one EMA update per optimizer update, so the update count is the step
            Map<String, Tensor> saved = new LinkedHashMap<>();
            checkpoints.readEma(step, settings.trainTextEncoder()).forEach((n, t) -> saved.put("ema." + n, t));
            ema = newEma(params);
            ema.restore(new OptimizerState("ema", saved, Map.of("decay", settings.emaDecay(), "updates", (double) step)));
        }
        err.printf(java.util.Locale.ROOT, "[dimba4j] train: resuming %s from step %d of %d%n", runDir, step, settings.steps());
        return loop(step, params, c.state().lossAverage(), position, ema);
    }

    /**
     * With {@code --train-text-encoder}: the model folder's encoder, after checking that the data (and the eval data)
     * carry their captions' token ids, before any step; null without.
     */
    private TrainedTextEncoder textEncoder() {
        if (!settings.trainTextEncoder()) return null;
        for (TrainingData d : evalData == null ? java.util.List.of(data) : java.util.List.of(data, evalData)) {
            if (d.size() > 0 && d.get(0).inputIds() == null) {
                throw new IllegalArgumentException("--train-text-encoder: " + d.description() + " holds no caption"
                        + " token ids (input_ids; caches made before they were stored); make the cache again with dimba cache");
            }
        }
        return TrainedTextEncoder.of(modelDir().resolve("text_encoder"));
    }

    private void checkEvalData() {
        if (settings.evalEvery() > 0 && evalData == null) {
            throw new IllegalArgumentException("the run evals every " + settings.evalEvery() + " steps on "
                    + settings.evalData() + ", but no eval data was opened (withEvalData)");
        }
        if (settings.sampleEvery() > 0 && samples == null) {
            throw new IllegalArgumentException("the run samples every " + settings.sampleEvery()
                    + " steps, but has no sample hook (withSampleHook)");
        }
    }

    private Path modelDir() {
        return Path.of(settings.model());
    }

    private Parameters startingWeights() {
        // --init random: the run's own RUN/init/transformer, else the model folder's weights
        Path transformer = InitialWeights.find(runDir).orElse(modelDir().resolve("transformer"));
        Parameters weights;
        try (TensorSource src = Checkpoints.open(transformer)) {
            weights = Parameters.copyOf(src, be);
        }
        if (!settings.trainTextEncoder()) return weights;
        Map<String, Tensor> all = new LinkedHashMap<>(weights.asMap());
        all.putAll(TrainedTextEncoder.weights(modelDir().resolve("text_encoder"), be));
        return Parameters.of(all, "the transformer and text encoder of " + modelDir());
    }

    /** Updates {@code from + 1 .. settings.steps()}; {@code position} is where update {@code from + 1} reads. */
    private Path loop(int from, Parameters params, double average, DataPosition position, Ema ema) {
        DimbaConfig config = DimbaConfig.load(modelDir().resolve("transformer/config.json"));
        float scaling = VaeConfig.load(modelDir().resolve("vae/config.json")).scalingFactor();
        EpsilonMseLoss objective = EpsilonMseLoss.dimba().withWeighting(settings.weighting());
        // evals score the official, unweighted objective, so eval losses compare across runs whatever they trained on
        EpsilonMseLoss evalObjective = EpsilonMseLoss.dimba();
        DataOrder order = new DataOrder(data.size(), settings.seed(), position);
        TrainedTextEncoder textEncoder = textEncoder();
        CaptionDropout dropout = new CaptionDropout(settings.captionDropout(), settings.seed());
        Progress progress = new Progress(err, from);
        Path last = from > 0 ? checkpoints.folder(from) : null;
        EvalState eval = resumedEval;
        if (eval.exhausted(settings.patience())) {
            err.println("[dimba4j] train: the run had stopped early at step " + from + "; best step " + eval.bestStep());
            return last;
        }
        for (int step = from; step < settings.steps(); step++) {
            int[] ids = order.nextBatch(settings.batch()); // drop_last, as the official DataLoader
            Batch batch = Batch.of(data, ids);
            StepDraws draws = StepDraws.of(settings.seed(), step, settings.batch(), batch.latentShape(),
                    1000);
            Tensor x0 = batch.sampleLatents(draws.posteriorNoise(), scaling);
            boolean[] drops = dropout.drops(step, settings.batch());

            double lr = settings.lrAt(step);
            // gradients only: the update is this loop's, after the finiteness check and clipping
            DimbaTrainer trainer = new DimbaTrainer(config, params, be, objective, optimizer, lr)
                    .withGradCheckpointing(gradCheckpointing);
            DimbaTrainer.Step s = textEncoder != null
                    ? trainer.gradients(x0, draws.timesteps(), draws.noise(), textEncoder,
                            batch.inputIdsTensor(data.description()), batch.mask(), drops)
                    : trainer.gradients(x0, draws.timesteps(), draws.noise(),
                            dropout.apply(batch.captionTensor(), be.download(params.get("y_embedder.y_embedding")), drops),
                            batch.mask());
            int done = step + 1;
            GradientCheck.Result g = GradientCheck.check(be, s, done);
            Map<String, Tensor> grads = g.clipped(be, settings.maxGradNorm());
            Map<String, Tensor> current = new LinkedHashMap<>();
            for (String name : grads.keySet()) current.put(name, params.get(name));
            params = params.with(optimizer.step(current, grads, lr));
            if (ema != null) ema.update(params.asMap());

            average = SMOOTHING * average + (1 - SMOOTHING) * g.loss();
            double smoothed = average / (1 - Math.pow(SMOOTHING, done));
            log.append(new LossLog.Row(done, g.loss(), mean(s.mse(), g.loss()), s.vb() == null ? Double.NaN : mean(s.vb(), 0),
                    lr, g.norm(), smoothed));
            progress.step(done, settings.steps(), g.loss(), smoothed, g.norm());
            if (settings.evalEvery() > 0 && (done % settings.evalEvery() == 0 || done == settings.steps())) {
                double e = Evaluation.meanLoss(evalData, settings.batch(), settings.seed(), params, config, scaling, be,
                        evalObjective, optimizer, textEncoder);
                eval = eval.after(done, e);
                EvalLog.append(runDir, done, e);
                err.printf(java.util.Locale.ROOT, "[dimba4j] train: eval at step %d: loss %.6f (best %.6f at step %d)%n",
                        done, e, eval.bestLoss(), eval.bestStep());
                if (eval.bestStep() == done) {
                    checkpoints.writeBest(modelDir(), modelDir().resolve("transformer/config.json"), hostWeights(params),
                            String.format(java.util.Locale.ROOT, "{\"step\": %d, \"eval_loss\": %s}%n", done, Double.toString(e)));
                }
            }
            boolean stop = eval.exhausted(settings.patience());
            if (settings.sampleEvery() > 0 && (done % settings.sampleEvery() == 0 || done == settings.steps() || stop)) {
                writeSample(done, ema == null ? params : Parameters.of(uploaded(ema.weights()), "EMA at step " + done));
            }
            if (done % settings.saveEvery() == 0 || done == settings.steps() || stop) {
                last = save(done, params, average, order, ema, eval);
            }
            if (stop) {
                err.println("[dimba4j] train: stopping early at step " + done + ": " + settings.patience()
                        + " evals without improvement; the best weights (step " + eval.bestStep() + ") are in "
                        + runDir.resolve("best"));
                break;
            }
        }
        LossPlot.write(runDir.resolve(LossPlot.FILE), log.rows());
        return last;
    }

    /** The sample grid after {@code step} updates, written aside and renamed: a step-N.png is always complete. */
    private void writeSample(int step, Parameters weights) {
        Path target = samplePath(step), aside = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            samples.write(step, weights, aside);
            Files.move(aside, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        err.println("[dimba4j] train: samples " + target);
    }

    private Map<String, Tensor> uploaded(Map<String, Tensor> host) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        host.forEach((n, t) -> m.put(n, be.upload(t)));
        return m;
    }

    private Map<String, Tensor> hostWeights(Parameters params) {
        Map<String, Tensor> host = new LinkedHashMap<>();
        params.asMap().forEach((n, t) -> host.put(n, be.download(t)));
        return host;
    }

    private Path save(int step, Parameters params, double average, DataOrder order, Ema ema, EvalState eval) {
        Map<String, Tensor> host = hostWeights(params);
        DataPosition pos = order.position();
        var opt = optimizer.state();
        TrainerState state = new TrainerState(step, pos.epoch(), pos.offset(), settings.seed(), average, opt.optimizer(), opt.scalars(),
                eval);
        Path p = checkpoints.write(step, modelDir(), modelDir().resolve("transformer/config.json"), host,
                ema == null ? null : ema.weights(), opt, state, settings.keepLast());
        LossPlot.write(runDir.resolve(LossPlot.FILE), log.rows());
        err.println("[dimba4j] train: checkpoint " + p);
        err.flush();
        return p;
    }

    private static double mean(float[] v, double ifAbsent) {
        if (v == null) return ifAbsent;
        double s = 0;
        for (float f : v) s += f;
        return s / v.length;
    }
}
