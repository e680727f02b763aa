package org.dimba4j.infer.cli;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.train.data.TrainingData;
import org.dimba4j.train.data.TrainingDataSets;
import org.dimba4j.train.optim.Optimizer;
import org.dimba4j.train.optim.OptimizerSettings;
import org.dimba4j.train.optim.Optimizers;
import org.dimba4j.train.run.InitialWeights;
import org.dimba4j.train.run.ResolutionAdaptation;
import org.dimba4j.train.run.RunSettings;
import org.dimba4j.train.run.TrainingRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code dimba train --model DIR --data DATA --out RUN [...]} and {@code dimba train --resume RUN [--steps N]}.
 * Defaults are the official {@code configs/dimba_xl2_img512.py}: CAME at lr 2e-5 with no weight decay, 1000 warm-up
 * steps, gradient clipping at 0.05, caption dropout 0.1.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the Dimba transformer of a model folder on an image folder, into RUN/:",
                "train.json (every setting), loss.csv, loss.png and checkpoints/step-<N>/, each a model folder",
                "that 'dimba generate --model' loads. 'dimba train --resume RUN [--steps N]' continues from the",
                "newest complete checkpoint and ends with the same weights as a run never interrupted."})
public final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder to start from")
    Path model;

    @Option(names = "--data", paramLabel = "DATA", description = "imagefolder (images + metadata.jsonl) or a 'dimba cache' folder")
    Path data;

    @Option(names = "--out", paramLabel = "RUN", description = "the run's folder (must not hold a run yet)")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN", description = "continue the run in RUN (takes only --steps and --grad-checkpointing besides)")
    Path resume;

    @Option(names = "--steps", paramLabel = "N", description = "total optimizer steps (default: 1000)")
    Integer steps;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "16", description = "examples per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "2e-5", description = "learning rate after warm-up (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--warmup-steps", paramLabel = "N", defaultValue = "1000", description = "linear warm-up steps (default: ${DEFAULT-VALUE})")
    int warmupSteps;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "decoupled weight decay (default: 0 for came, 0.01 for adamw)")
    Double weightDecay;

    @Option(names = "--max-grad-norm", paramLabel = "N", defaultValue = "0.05", description = "clip the gradients' total L2 norm, 0: off (default: ${DEFAULT-VALUE})")
    double maxGradNorm;

    @Option(names = "--caption-dropout", paramLabel = "P", defaultValue = "0.1", description = "probability of training on the null caption (default: ${DEFAULT-VALUE})")
    double captionDropout;

    @Option(names = "--snr-gamma", paramLabel = "G", defaultValue = "0", description = "weight each sample's epsilon mse by min(SNR, G) / SNR (Min-SNR-gamma, Hang et al. 2023; 5 in the paper), so the nearly clean timesteps stop dominating the gradient; 0: the official unweighted loss (default: ${DEFAULT-VALUE})")
    double snrGamma;

    @Option(names = "--snr-floor", paramLabel = "F", defaultValue = "0", description = "weight each sample's epsilon mse by at least F / SNR (truncated SNR, Salimans and Ho 2022, with F 1), so the noisiest timesteps, where the layout is decided, count; combines with --snr-gamma as clamp(SNR, F, G) / SNR; 0: none (default: ${DEFAULT-VALUE})")
    double snrFloor;

    @Option(names = "--train-text-encoder", description = "train the model folder's T5 text encoder jointly with the denoiser, through the diffusion loss (the official recipe keeps T5 frozen on cached features; for encoders that were never pre-trained); the data must hold token ids (a cache made by this version, or an imagefolder); checkpoints then carry text_encoder/ (and text_encoder_ema/) with the trained weights")
    boolean trainTextEncoder;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "seed of every random draw and of the data order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--save-every", paramLabel = "N", defaultValue = "500", description = "checkpoint every N steps; the last step is always saved (default: ${DEFAULT-VALUE})")
    int saveEvery;

    @Option(names = "--keep-last", paramLabel = "N", defaultValue = "0", description = "keep only the newest N checkpoints, 0: all (default: ${DEFAULT-VALUE})")
    int keepLast;

    @Option(names = "--optimizer", paramLabel = "came|adamw", defaultValue = "came", description = "optimizer (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--betas", paramLabel = "B1,B2[,B3]", split = ",", description = "optimizer betas: 3 for came, 2 for adamw (default: came 0.9,0.999,0.9999; adamw 0.9,0.999)")
    List<Double> betas;

    @Option(names = "--eps", paramLabel = "E1[,E2]", split = ",", description = "optimizer eps: 2 for came, 1 for adamw (default: came 1e-30,1e-16; adamw 1e-8)")
    List<Double> eps;

    @Option(names = "--ema-decay", paramLabel = "D", defaultValue = "0", description = "keep PixArt's EMA of the weights at this rate (e.g. 0.9999) in each checkpoint's transformer_ema/, 0: none (default: ${DEFAULT-VALUE})")
    double emaDecay;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "0", description = "every N steps, the mean objective on --eval-data at fixed seeded timesteps and noise, into eval.csv; the best weights go to RUN/best/ (default: ${DEFAULT-VALUE}: none)")
    int evalEvery;

    @Option(names = "--eval-data", paramLabel = "DATA", description = "held-out imagefolder or cache for --eval-every")
    Path evalData;

    @Option(names = "--patience", paramLabel = "K", defaultValue = "0", description = "stop after K evals in a row without a lower eval loss (default: ${DEFAULT-VALUE}: never)")
    int patience;

    @Option(names = "--sample-every", paramLabel = "N", defaultValue = "0", description = "every N steps and at the end, "
            + "RUN/samples/step-<N>.png: a grid of the sample prompts drawn with the current weights (the EMA with "
            + "--ema-decay) by DPM-Solver++ from the run's seed; no effect on the training (default: ${DEFAULT-VALUE}: none)")
    int sampleEvery;

    @Option(names = {"--sample-prompts", "--validation-prompts"}, paramLabel = "FILE", description = "the prompts of "
            + "--sample-every, one a line (default: the five validation prompts of the official scripts/train.py)")
    Path samplePrompts;

    @Option(names = "--stage", paramLabel = "STAGE", defaultValue = "pretrain", description = "pretrain, quality-tune or adapt-resolution (default: ${DEFAULT-VALUE})")
    String stage;

    @Option(names = "--from", paramLabel = "CKPT", description = "--stage adapt-resolution: the model folder to adapt "
            + "(e.g. RUN/checkpoints/step-N or RUN/best); its tokenizer, text encoder and VAE are used, so --model is not given")
    Path from;

    @Option(names = "--size", paramLabel = "S", description = "--stage adapt-resolution: the new image side in pixels, a "
            + "multiple of the VAE's downsampling times the patch size; the data is read at this size")
    Integer size;

    @Option(names = "--init", paramLabel = "pretrained|random", defaultValue = "pretrained", description = "start from the model's weights (default) or, with random, only its transformer config with the "
            + "official initialisation drawn from --seed (kept in RUN/init/transformer)")
    String init;

    @Option(names = "--grad-checkpointing", description = "recompute each Dimba block in the backward instead of keeping "
            + "its activations: less memory, the same gradients bit for bit (also with --resume)")
    boolean gradCheckpointing;

    @Option(names = "--device", paramLabel = "cpu|opencl|auto", defaultValue = "auto", description = "compute device (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        boolean resuming = resume != null;
        RunSettings settings = resuming ? resumeSettings(pr) : newSettings();
        Path runDir = resuming ? resume : out;
        // the prompts are read (and a bad file named) before anything is written or any step runs
        List<String> prompts;
        try {
            prompts = settings.sampleEvery() == 0 ? null
                    : TrainingSamples.readPrompts(settings.samplePrompts() == null ? null : Path.of(settings.samplePrompts()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!resuming && settings.stage().equals(ResolutionAdaptation.STAGE)) {
            // before the data opens: RUN/init is the run's model folder, so examples are encoded at --size
            Path adapted = ResolutionAdaptation.write(runDir, Path.of(settings.from()), settings.size());
            err.println("[dimba4j] train: adapt-resolution: " + settings.from() + " -> " + settings.size() + " px in " + adapted);
        }
        try (Backend be = Backends.select(settings.device()); TrainingData examples = openData(settings, be);
             TrainingSamples sampler = prompts == null ? null
                     : new TrainingSamples(Path.of(settings.model()), be, prompts, settings.seed())) {
            OptimizerSettings os = settings.optimizerSettings();
            Optimizer opt = Optimizers.create(settings.optimizer(), os, be);
            err.printf(Locale.ROOT, "[dimba4j] train: %s on %s, %d examples, %d steps of batch %d, %s lr %.3g, device %s%n",
                    settings.model(), examples.description(), examples.size(), settings.steps(), settings.batch(),
                    settings.optimizer(), settings.lr(), be.name());
            TrainingRun run = new TrainingRun(settings, runDir, examples, opt, be, err).withGradCheckpointing(gradCheckpointing);
            if (sampler != null) run.withSampleHook(sampler);
            if (!resuming && init.equals("random")) {
                // only transformer/config.json of --model counts: RUN/init/transformer is where the run starts
                Path t = InitialWeights.write(runDir, Path.of(settings.model()).resolve("transformer/config.json"), settings.seed());
                err.println("[dimba4j] train: --init random: the official initialisation from seed " + settings.seed() + " in " + t);
            }
            // a null resource is allowed and skipped: runs without --eval-data open nothing more
            try (TrainingData held = settings.evalData() == null ? null
                    : TrainingDataSets.open(Path.of(settings.evalData()), Path.of(settings.model()), be, false)) {
                if (held != null) run.withEvalData(held);
                Path last = resuming ? run.resume() : run.start();
                err.println("[dimba4j] train: done; the weights are in " + last + " (dimba generate --model " + last + ")");
            }
        }
        return 0;
    }

    private RunSettings resumeSettings(CommandLine.ParseResult pr) {
        List<String> others = new ArrayList<>();
        for (var o : pr.matchedOptions()) {
            String n = o.longestName();
            if (!n.equals("--resume") && !n.equals("--steps") && !n.equals("--grad-checkpointing")) others.add(n);
        }
        if (!others.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--resume takes only --steps and --grad-checkpointing; "
                    + String.join(", ", others) + " come from " + resume.resolve(RunSettings.FILE));
        }
        RunSettings s = RunSettings.read(resume);
        return steps == null ? s : s.withSteps(steps);
    }

    private RunSettings newSettings() {
        if (stage.equals(ResolutionAdaptation.STAGE)) {
            if (model != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--stage adapt-resolution takes its model "
                        + "folder from --from CKPT; drop --model " + model);
            }
            if (!init.equals("pretrained")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--stage adapt-resolution starts from the "
                        + "weights of --from; --init " + init + " does not apply");
            }
            if (size == null) throw new CommandLine.ParameterException(spec.commandLine(), "--stage adapt-resolution needs --size S");
            if (out == null) throw new CommandLine.ParameterException(spec.commandLine(), "a new run needs --out RUN");
            try {
                ResolutionAdaptation.check(from, size);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            // the run's model folder is the adapted one it writes, RUN/init (ResolutionAdaptation)
            model = out.resolve(InitialWeights.FOLDER);
        } else if (from != null || size != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from and --size belong to --stage adapt-resolution");
        }
        if (model == null || data == null || out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "a new run needs --model DIR, --data DATA and --out RUN (or --resume RUN)");
        }
        if (!stage.equals(ResolutionAdaptation.STAGE) && !Files.isDirectory(model.resolve("transformer"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model " + model + ": no transformer/ folder");
        }
        if (!stage.equals("pretrain") && !stage.equals("quality-tune") && !stage.equals(ResolutionAdaptation.STAGE)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--stage " + stage
                    + ": expected pretrain, quality-tune or adapt-resolution");
        }
        if (!init.equals("pretrained") && !init.equals("random")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--init " + init + ": expected pretrained or random");
        }
        String opt = optimizer.toLowerCase(Locale.ROOT);
        if (!opt.equals("came") && !opt.equals("adamw")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--optimizer " + optimizer + ": expected came or adamw");
        }
        double wd = weightDecay != null ? weightDecay : opt.equals("came") ? 0.0 : 0.01;
        try {
            return RunSettings.builder().model(absolute(model)).data(absolute(data)).steps(steps == null ? 1000 : steps)
                    .batch(batch).lr(lr).warmupSteps(warmupSteps).weightDecay(wd).maxGradNorm(maxGradNorm)
                    .captionDropout(captionDropout).seed(seed).saveEvery(saveEvery).keepLast(keepLast).optimizer(opt)
                    .stage(stage).device(device).betas(betas).eps(eps).emaDecay(emaDecay).evalEvery(evalEvery)
                    .evalData(absolute(evalData)).patience(patience).from(absolute(from)).size(size == null ? 0 : size)
                    .sampleEvery(sampleEvery).samplePrompts(absolute(samplePrompts)).snrGamma(snrGamma).snrFloor(snrFloor)
                    .trainTextEncoder(trainTextEncoder).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static String absolute(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize().toString();
    }

    /**
     * The training examples of {@code settings.data()}: a {@code dimba cache} folder, or an image folder encoded with
     * the model folder's VAE and text encoder. Bad examples are errors (a run must read the same data when resumed).
     */
    private static TrainingData openData(RunSettings settings, Backend be) {
        return TrainingDataSets.open(Path.of(settings.data()), Path.of(settings.model()), be, false);
    }
}
