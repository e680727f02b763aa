package org.dimba4j.infer.cli;

import org.dimba4j.infer.DimbaPipeline;
import org.dimba4j.infer.GenerationResult;
import org.dimba4j.infer.ModelHome;
import org.dimba4j.infer.PipelineOptions;
import org.dimba4j.infer.SamplerChoice;
import org.dimba4j.infer.batch.BatchDefaults;
import org.dimba4j.infer.batch.BatchItem;
import org.dimba4j.infer.batch.BatchRun;
import org.dimba4j.infer.batch.PromptsFile;
import org.dimba4j.io.Shard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code dimba generate-batch --prompts FILE.jsonl -o DIR [--shard i/N]}: one PNG per prompts-file line, each the
 * same bytes {@code dimba generate} writes for its parameters, plus the shard's manifest (see {@link BatchRun}).
 * The whole file is checked against the model's configs before the model loads (exit 2 naming the line).
 */
@Command(name = "generate-batch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate one image per line of a JSON Lines prompts file, resumably, optionally one shard of it.",
                "Line k (0-based among the non-blank lines) belongs to shard k mod N. Outputs DIR/<id or line number>.png",
                "and DIR/results.jsonl (results-i-of-N.jsonl with --shard): one line per finished image."})
public final class GenerateBatchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--prompts", required = true, paramLabel = "FILE.jsonl",
            description = "one JSON object per line: {\"prompt\": ..., optional \"seed\", \"width\", \"height\", \"steps\","
                    + " \"guidance\", \"negative_prompt\", \"id\"}")
    Path prompts;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "output folder (created; reruns resume in it)")
    Path output;

    @Option(names = "--shard", paramLabel = "i/N", description = "run only lines k with k mod N == i (default: all)")
    String shard;

    @Option(names = "--model", description = "model folder (default: $DIMBA_HOME/" + ModelHome.DEFAULT_MODEL + ")")
    Path model;

    @Option(names = "--steps", defaultValue = "20", description = "steps of lines without \"steps\" (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "4.5", description = "guidance of lines without \"guidance\" (default: ${DEFAULT-VALUE})")
    double guidance;

    @Option(names = "--negative-prompt", defaultValue = "", description = "negative prompt of lines without one (default: \"\")")
    String negativePrompt;

    @Option(names = "--sampler", defaultValue = "dpm-solver", description = "dpm-solver, ddim or iddpm (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--size", description = "width and height of lines without them (default: the model's size)")
    Integer size;

    @Option(names = "--width", description = "width of lines without \"width\" (overrides --size)")
    Integer width;

    @Option(names = "--height", description = "height of lines without \"height\" (overrides --size)")
    Integer height;

    @Option(names = "--seed", converter = TorchSeedConverter.class,
            description = "lines without \"seed\" use S + k (k: the line's 0-based index); default: a random seed per line")
    Long seed;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, opencl or auto (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public void run() {
        PrintWriter err = spec.commandLine().getErr();
        Path modelDir = model != null ? model : ModelHome.defaultModel();
        String modelName = modelDir.toAbsolutePath().normalize().getFileName().toString(); // as DimbaPipeline names it
        PipelineOptions options;
        Shard part;
        List<BatchItem> items;
        BatchRun batch;
        try {
            part = shard == null ? Shard.ALL : Shard.parse(shard);
            options = PipelineOptions.builder().device(Cli.device(device)).build();
            BatchDefaults d = new BatchDefaults(negativePrompt, steps, guidance, SamplerChoice.parse(sampler),
                    width != null ? width : size != null ? size : 0, height != null ? height : size != null ? size : 0, seed);
            items = BatchItem.resolve(prompts.toString(), PromptsFile.read(prompts), d, DimbaPipeline.requestChecker(modelDir, options));
            batch = BatchRun.open(output, part, items, modelName);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<BatchItem> todo = batch.pending();
        err.printf(Locale.ROOT, "[dimba4j] %s: %d lines, shard %s: %d done, %d to generate%n", prompts, items.size(), part,
                batch.done().size(), todo.size());
        if (todo.isEmpty()) return;
        long t0 = System.nanoTime();
        try (DimbaPipeline pipe = DimbaPipeline.load(modelDir, options)) {
            err.println("[dimba4j] loaded " + modelDir + " (" + pipe.loadTimings() + ")");
            long t1 = System.nanoTime();
            for (int i = 0; i < todo.size(); i++) {
                BatchItem it = todo.get(i);
                GenerationResult r = batch.generate(pipe, it);
                err.printf(Locale.ROOT, "[dimba4j] %d/%d line %d -> %s (seed %s, %.2f s)%n", i + 1, todo.size(), it.line().number(),
                        output.resolve(it.line().pngName()), Long.toUnsignedString(r.seed()), r.timings().deviceSeconds());
            }
            double s = (System.nanoTime() - t1) / 1e9;
            err.printf(Locale.ROOT, "[dimba4j] %d image(s) in %.2f s: %.3f images/s, %.2f s/image (%.2f s total with loading)%n",
                    todo.size(), s, todo.size() / s, s / todo.size(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
