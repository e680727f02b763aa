package org.dimba4j.infer.cli;

import org.dimba4j.infer.bundle.InitialModelFolder;
import org.dimba4j.infer.bundle.ShapesPreset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dimba init-model --preset shapes-64 [--seed S] [--vae DIR] [--attention-only] -o DIR}: a model folder to train from scratch. */
@Command(name = "init-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a complete model folder to train from scratch: tokenizer/ (the preset's vocabulary),",
                "text_encoder/ (a random T5 encoder, frozen), vae/ (--vae, else random), transformer/ (the official",
                "Dimba initialisation) and model_index.json. 'dimba generate --model DIR' runs on it (drawing noise",
                "until 'dimba train' has trained it)."})
public final class InitModelCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", required = true, description = "model sizes: " + ShapesPreset.NAME)
    String preset;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "seed of every random weight (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--vae", paramLabel = "DIR", description = "a trained VAE (a diffusers vae/ folder or a model folder with one) to copy")
    Path vae;

    @Option(names = "--attention-only", description = "leave the Mamba layers out: the pure-attention (PixArt-style) stack at the"
            + " same width and depth, for the paper's hybrid-versus-attention comparison")
    boolean attentionOnly;

    @Option(names = "--t5-bias-std", paramLabel = "STD|official", description = "std of the frozen text encoder's relative"
            + " position bias (default 'official': transformers' d_model^-1/2, with which a random encoder hardly tells"
            + " word order; 1 puts it on the scale of the content logits, and word order shows in the features)")
    String t5BiasStd;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true, description = "the folder to create (must not exist)")
    Path out;

    @Override
    public Integer call() {
        if (!preset.equals(ShapesPreset.NAME)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--preset " + preset + ": known presets: " + ShapesPreset.NAME);
        }
        InitialModelFolder folder = new InitialModelFolder(out, seed, vae, !attentionOnly, biasStd());
        try {
            folder.vaeFolder();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String summary = folder.write();
        var err = spec.commandLine().getErr();
        summary.lines().forEach(l -> err.println("[dimba4j] init-model: " + l));
        err.println("[dimba4j] init-model: wrote " + out);
        return 0;
    }

    private double biasStd() {
        if (t5BiasStd == null || t5BiasStd.equals("official")) return ShapesPreset.textEncoderBiasStd();
        double v;
        try {
            v = Double.parseDouble(t5BiasStd);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--t5-bias-std " + t5BiasStd + ": expected a positive number or 'official'");
        }
        return v;
    }
}
