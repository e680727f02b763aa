package org.dimba4j.infer.cli;

import org.dimba4j.infer.ModelHome;
import org.dimba4j.infer.PhaseTimer;
import org.dimba4j.infer.SamplerChoice;
import org.dimba4j.infer.TextToImagePipeline;
import org.dimba4j.infer.eval.EvalPrompts;
import org.dimba4j.infer.eval.EvalReport;
import org.dimba4j.infer.eval.EvalResult;
import org.dimba4j.infer.eval.EvalSettings;
import org.dimba4j.infer.eval.ShapesEvaluation;
import org.dimba4j.infer.eval.Tally;
import org.dimba4j.io.image.Png;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.train.data.shapes.HeldOut;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dimba eval}: draws each held-out prompt with a model, finds the objects with the shapes detector and
 * writes colour / shape / binding / count / size / spatial / all-correct accuracy (and the detector's own accuracy
 * on ground-truth renders) to OUT.md and OUT.json.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure how well a model draws what shapes prompts say (T2I-CompBench style, by a deterministic detector).",
                "Writes OUT.md (tables) and OUT.json (every image's detections) beside it."})
public final class EvalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", description = "model folder (default: $DIMBA_HOME/" + ModelHome.DEFAULT_MODEL + ")")
    Path model;

    @Option(names = "--prompts", description = "JSON lines {\"prompt\": ..., \"spec\": ...} (eval-prompts.jsonl of `dimba dataset shapes`;"
            + " default: the built-in held-out prompts)")
    Path prompts;

    @Option(names = "--steps", defaultValue = "20", description = "sampler steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "4.5", description = "classifier-free guidance scale (default: ${DEFAULT-VALUE})")
    double guidance;

    @Option(names = "--sampler", defaultValue = "dpm-solver", description = "dpm-solver, ddim or iddpm (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--seeds", defaultValue = "4", description = "images per prompt (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--seed", defaultValue = "0", description = "image k of a prompt uses seed S+k (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--size", description = "image side in pixels (default: the model's training size)")
    Integer size;

    @Option(names = "--save-images", description = "also write each image as DIR/<prompt index>-<seed>.png")
    Path saveImages;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, opencl or auto (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = {"-o", "--output"}, required = true, description = "report OUT.md (OUT.json is written beside it)")
    Path output;

    @Override
    public void run() {
        PrintWriter err = spec.commandLine().getErr();
        SamplerChoice choice = SamplerChoice.parse(sampler);
        List<HeldOut.EvalPrompt> list = prompts == null ? EvalPrompts.builtIn() : EvalPrompts.read(prompts);
        String from = prompts == null ? "built-in held-out prompts" : prompts.toString();
        if (seeds < 1) throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
        Path modelDir = model != null ? model : ModelHome.defaultModel();
        String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try (Backend backend = Backends.select(device);
             TextToImagePipeline pipe = TextToImagePipeline.load(modelDir, backend, new PhaseTimer())) {
            int side = size != null ? size : pipe.defaultImageSize();
            EvalSettings settings = new EvalSettings(choice, steps, guidance, seeds, seed, side);
            err.printf(Locale.ROOT, "[dimba4j] eval %s: %d prompts x %d seeds, %s %d steps, guidance %s, %dx%d%n", modelDir, list.size(), seeds,
                    choice.cliName(), steps, guidance, side, side);
            int[] done = {0};
            int total = list.size() * seeds;
            EvalResult result = ShapesEvaluation.run(pipe, list, settings, (img, r) -> {
                int index = done[0]++;
                if (saveImages != null) {
                    Png.write(saveImages.resolve(String.format(Locale.ROOT, "%03d-%d.png", index / seeds, r.seed())), img,
                            Map.of("prompt", r.prompt().prompt()));
                }
                err.printf(Locale.ROOT, "[dimba4j] %d/%d %s seed %d: %s%n", index + 1, total, r.prompt().prompt(), r.seed(),
                        r.score().allCorrect() ? "all correct" : "found " + r.detected().size() + " object(s)");
            });
            new EvalReport(result, settings, modelDir.toString(), from, date, backend.name()).write(output);
            Tally t = result.model();
            err.printf(Locale.ROOT, "[dimba4j] colour %.3f, shape %.3f, count %.3f, spatial %.3f, all-correct %.3f | %.3f s/image; wrote %s and %s%n",
                    t.accuracy("colour"), t.accuracy("shape"), t.accuracy("count"), t.accuracy("spatial"), t.accuracy("all-correct"),
                    result.secondsPerImage(), output, EvalReport.jsonPath(output));
        }
    }
}
