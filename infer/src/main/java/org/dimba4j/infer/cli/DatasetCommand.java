package org.dimba4j.infer.cli;

import org.dimba4j.train.data.shapes.ShapesDatasetWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** {@code dimba dataset ...}: datasets the project makes itself. */
@Command(name = "dataset", mixinStandardHelpOptions = true, description = "Make a training dataset.",
        subcommands = {DatasetCommand.Shapes.class})
public final class DatasetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** {@code dimba dataset shapes}: rendered compositional scenes with captions, in the imagefolder layout. */
    @Command(name = "shapes", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Render N scenes of 1-4 flat-coloured circles, squares and triangles with captions.",
                    "DIR gets PNGs, metadata.jsonl (file_name, text), scenes.jsonl (ground truth), heldout.json",
                    "(combinations never in training) and eval-prompts.jsonl (for dimba eval --prompts)."})
    static final class Shapes implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--count", required = true, description = "number of images")
        int count;

        @Option(names = "--size", defaultValue = "64", description = "image side in pixels, at least 64 (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--seed", defaultValue = "0", description = "scene i is a function of (seed, i) (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = {"-o", "--output"}, required = true, description = "output folder (must not exist; written aside, then renamed)")
        Path output;

        @Override
        public void run() {
            PrintWriter err = spec.commandLine().getErr();
            long t0 = System.nanoTime();
            ShapesDatasetWriter.write(output, count, size, seed);
            double s = (System.nanoTime() - t0) / 1e9;
            err.printf(Locale.ROOT, "[dimba4j] wrote %d images of %dx%d (seed %d) to %s in %.2f s%n", count, size, size, seed, output, s);
        }
    }
}
