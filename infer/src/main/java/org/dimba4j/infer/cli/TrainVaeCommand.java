package org.dimba4j.infer.cli;

import org.dimba4j.infer.bundle.ShapesPreset;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.DType;
import org.dimba4j.model.vae.SyntheticVaeWeights;
import org.dimba4j.model.vae.VaeConfig;
import org.dimba4j.model.vae.VaeFiles;
import org.dimba4j.train.vae.VaeRunSettings;
import org.dimba4j.train.vae.VaeTrainingRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dimba train-vae --data DATA -o RUN}: an AutoencoderKL trained on a dataset, written as a diffusers vae/ folder. */
@Command(name = "train-vae", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an AutoencoderKL (diffusers layout) on an imagefolder dataset: reconstruction MSE plus a",
                "weighted KL, AdamW. Writes RUN/vae/ (scaling_factor from the training latents), RUN/eval.json (held-out",
                "PSNR), RUN/loss.csv and checkpoints; running the same command again resumes from the newest checkpoint."})
public final class TrainVaeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "imagefolder dataset (metadata.jsonl)")
    Path data;

    @Option(names = {"-o", "--output"}, paramLabel = "RUN", required = true, description = "run folder (resumed when it exists)")
    Path out;

    @Option(names = "--vae", paramLabel = "DIR", description = "start from this vae/ folder instead of random weights of --preset")
    Path vae;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = ShapesPreset.NAME, description = "VAE sizes when starting from random weights (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--steps", defaultValue = "2000", description = "updates (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "images per update (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--warmup", defaultValue = "100", description = "linear warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--kl-weight", defaultValue = "1e-4", description = "weight of the KL term, element means (default: ${DEFAULT-VALUE})")
    float klWeight;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the data order, noise and random init (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "updates between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--holdout", defaultValue = "64", description = "the dataset's last N images, kept out for the PSNR (default: ${DEFAULT-VALUE})")
    int holdout;

    @Option(names = "--device", paramLabel = "cpu|opencl|auto", defaultValue = "auto", description = "compute device (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() {
        VaeRunSettings settings;
        VaeConfig config;
        try {
            Cli.device(device);
            settings = VaeRunSettings.builder().data(data).runDir(out).steps(steps).batch(batch).lr(lr).warmupSteps(warmup)
                    .klWeight(klWeight).seed(seed).checkpointEvery(checkpointEvery).holdout(holdout).build();
            if (!Files.isRegularFile(data.resolve("metadata.jsonl"))) {
                throw new IllegalArgumentException("--data " + data + " has no metadata.jsonl (an imagefolder dataset, e.g. from 'dimba dataset shapes')");
            }
            if (vae == null && !preset.equals(ShapesPreset.NAME)) {
                throw new IllegalArgumentException("--preset " + preset + ": known presets: " + ShapesPreset.NAME);
            }
            Path vaeDir = vae == null ? null : (Files.isRegularFile(vae.resolve("config.json")) ? vae : vae.resolve("vae"));
            if (vaeDir != null && !Files.isRegularFile(vaeDir.resolve("config.json"))) {
                throw new IllegalArgumentException("--vae " + vae + ": neither it nor its vae/ holds a config.json");
            }
            config = vaeDir == null ? ShapesPreset.vae() : VaeConfig.load(vaeDir.resolve("config.json"));
            vae = vaeDir;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        var err = spec.commandLine().getErr();
        try (Backend be = Backends.select(device);
             TensorSource init = vae == null ? new SyntheticVaeWeights(config, DType.F32, seed) : VaeFiles.openWeights(vae)) {
            err.printf("[dimba4j] train-vae: %s, %d steps of batch %d, lr %.3g, kl weight %.3g, device %s%n",
                    data, steps, batch, lr, klWeight, be.name());
            VaeTrainingRun.Result r = new VaeTrainingRun(settings, config, be).run(init, m -> err.println("[dimba4j] train-vae: " + m));
            err.printf("[dimba4j] train-vae: done, %d steps, held-out PSNR %.2f dB%n", r.steps(), r.heldOutPsnrDb());
        }
        return 0;
    }
}
