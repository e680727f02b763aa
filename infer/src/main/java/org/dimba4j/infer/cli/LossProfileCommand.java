package org.dimba4j.infer.cli;

import org.dimba4j.infer.ModelHome;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.train.data.TrainingData;
import org.dimba4j.train.data.TrainingDataSets;
import org.dimba4j.train.run.LossProfile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dimba loss-profile}: a denoiser's epsilon mse along the noise schedule against the data-mean predictor. */
@Command(name = "loss-profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A model's epsilon mse at fixed timesteps on the first examples of a training set, beside the",
                "mse of predicting the examples' mean latent (blind to the input and the caption): where the model is",
                "above that line it has learned less than a constant picture. Prints a markdown table; -o writes it."})
public final class LossProfileCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: $DIMBA_HOME/models/shapes-64)")
    Path model;

    @Option(names = "--data", paramLabel = "DATA", required = true, description = "imagefolder or 'dimba cache' folder")
    Path data;

    @Option(names = "--examples", paramLabel = "N", defaultValue = "64", description = "examples profiled (default: ${DEFAULT-VALUE})")
    int examples;

    @Option(names = "--timesteps", paramLabel = "T", split = ",",
            description = "timesteps (default: 0,10,50,100,200,...,900,999)")
    List<Integer> timesteps;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "16", description = "examples per forward (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "seed of the posterior and noise draws (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--device", paramLabel = "cpu|opencl|auto", defaultValue = "auto", description = "compute device (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.md", description = "also write the table here")
    Path output;

    @Override
    public Integer call() throws IOException {
        int[] ts = timesteps == null ? LossProfile.DEFAULT_TIMESTEPS : timesteps.stream().mapToInt(Integer::intValue).toArray();
        try {
            LossProfile.checkArguments(ts, examples, batch); // before the model and the data are opened
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path dir = model != null ? model : ModelHome.defaultModel();
        if (!Files.isDirectory(dir.resolve("transformer"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model " + dir + ": not a model folder (no transformer/)");
        }
        try (Backend be = Backends.select(device); TrainingData examplesData = TrainingDataSets.open(data, dir, be, false)) {
            String table = LossProfile.markdown(LossProfile.measure(dir, examplesData, be, ts, examples, batch, seed));
            java.io.PrintWriter out = spec.commandLine().getOut();
            out.print(table);
            out.flush();
            if (output != null) {
                Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
                Files.writeString(tmp, "# Loss profile of " + dir + " on " + examplesData.description() + " (" + examples
                        + " examples, seed " + seed + ")\n\n" + table);
                Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return 0;
    }
}
