package org.dimba4j.infer.cli;

import org.dimba4j.io.CheckpointException;
import org.dimba4j.io.CheckpointReport;
import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.ModelFolderReport;
import org.dimba4j.io.TensorSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dimba inspect FILE|DIR}: lists a checkpoint's tensors and metadata, or summarises a model folder. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Print a checkpoint's tensors (name, dtype, shape, bytes) and metadata, or, for a model folder",
                "(transformer/, text_encoder/, tokenizer/, vae/), a summary of each component.",
                "FILE may be .safetensors, *.safetensors.index.json or a torch .pt/.pth/.bin zip; a DIR without",
                "component folders is searched for one of these."})
public final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE|DIR", description = "checkpoint file, shard index, or folder")
    Path path;

    @Option(names = "--key", paramLabel = "KEY",
            description = "torch checkpoints: the dict to list (e.g. state_dict, ema; nested keys joined with '/')")
    String key;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.exists(path)) throw new CheckpointException("no such file or folder: " + path);
        if (Files.isDirectory(path) && ModelFolderReport.isModelFolder(path)) {
            if (key != null) throw new CheckpointException("--key applies to one torch checkpoint, not a model folder");
            List<String> problems = ModelFolderReport.print(path, out);
            if (!problems.isEmpty()) {
                throw new CheckpointException(problems.size() + " problem(s) in " + path + ": " + String.join("; ", problems));
            }
            return 0;
        }
        try (TensorSource s = Checkpoints.open(path, key)) {
            CheckpointReport.print(s, out);
        }
        return 0;
    }
}
