package org.dimba4j.infer.cli;

import org.dimba4j.infer.DimbaPipeline;
import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.GenerationResult;
import org.dimba4j.infer.InvalidRequestException;
import org.dimba4j.infer.ModelHome;
import org.dimba4j.infer.PipelineOptions;
import org.dimba4j.infer.ProgressListener;
import org.dimba4j.infer.grid.ImageGrid;
import org.dimba4j.io.image.Png;
import org.dimba4j.io.image.RgbImage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dimba grid}: one picture of samples, a row per prompt and a column per seed; with {@code --strip}, one row
 * per prompt showing the sampler's x0 estimate every N steps, then the final image (the denoising progress).
 */
@Command(name = "grid", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw a grid of samples (rows: prompts, columns: seeds S, S+1, ...) into one PNG, or with",
                "--strip N the denoising progress (the x0 estimate every N steps, then the image) of each prompt."})
public final class GridCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--prompt", required = true, description = "a row's prompt (repeat for more rows)")
    List<String> prompts;

    @Option(names = "--model", description = "model folder (default: $DIMBA_HOME/" + ModelHome.DEFAULT_MODEL + ")")
    Path model;

    @Option(names = "--seeds", defaultValue = "4", description = "columns: seeds S..S+N-1 (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--seed", defaultValue = "0", description = "the first seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--strip", paramLabel = "N", defaultValue = "0", description = "show the x0 estimate every N steps instead of seeds (default: off)")
    int strip;

    @Option(names = "--steps", defaultValue = "20", description = "sampler steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "4.5", description = "classifier-free guidance scale (default: ${DEFAULT-VALUE})")
    double guidance;

    @Option(names = "--sampler", defaultValue = "dpm-solver", description = "dpm-solver, ddim or iddpm (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--scale", defaultValue = "2", description = "enlarge each image by this integer factor (default: ${DEFAULT-VALUE})")
    int scale;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, opencl or auto (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = {"-o", "--output"}, required = true, description = "output PNG")
    Path out;

    @Override
    public Integer call() {
        Path dir = model != null ? model : ModelHome.defaultModel();
        ImageGrid grid;
        try {
            Cli.device(device);
            if (seeds < 1 || seeds > 64) throw new IllegalArgumentException("--seeds must be in 1..64, not " + seeds);
            if (strip < 0 || strip > steps) throw new IllegalArgumentException("--strip must be in 0..--steps (" + steps + "), not " + strip);
            if (prompts.size() > 64) throw new IllegalArgumentException("at most 64 --prompt rows, not " + prompts.size());
            grid = new ImageGrid(strip > 0 ? (steps - 1) / strip + 1 : seeds, scale, 2 * scale, 255);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        var err = spec.commandLine().getErr();
        List<RgbImage> cells = new ArrayList<>();
        try (DimbaPipeline pipe = DimbaPipeline.load(dir, PipelineOptions.builder().device(device).build())) {
            for (String prompt : prompts) {
                if (strip > 0) {
                    List<RgbImage> previews = new ArrayList<>();
                    GenerationResult r = pipe.generate(request(prompt, seed).previewEvery(strip).build(), new ProgressListener() {
                        @Override
                        public void onPreview(int step, int total, List<BufferedImage> images) {
                            previews.add(RgbImage.of(images.get(0)));
                        }
                    }, new org.dimba4j.infer.CancellationToken());
                    cells.addAll(previews);
                    cells.add(r.pictures().get(0));
                } else {
                    for (int k = 0; k < seeds; k++) cells.add(pipe.generate(request(prompt, seed + k).build()).pictures().get(0));
                }
                err.println("[dimba4j] grid: " + prompt);
            }
        } catch (InvalidRequestException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), Cli.message(e));
        }
        Map<String, String> text = new LinkedHashMap<>();
        text.put("dimba4j.grid", String.format(java.util.Locale.ROOT, "rows: %s | %s | steps %d, guidance %s, %s, seed %d, model %s",
                String.join(" / ", prompts), strip > 0 ? "x0 every " + strip + " steps, then the image" : seeds + " seeds",
                steps, guidance, sampler, seed, dir.getFileName()));
        Png.write(out, grid.tile(cells), text);
        err.println("[dimba4j] grid: wrote " + out);
        return 0;
    }

    private GenerationRequest.Builder request(String prompt, long s) {
        return GenerationRequest.builder(prompt).steps(steps).guidance(guidance).sampler(sampler).seed(s);
    }
}
