package org.dimba4j.infer.cli;

import org.dimba4j.infer.CancellationToken;
import org.dimba4j.infer.DimbaPipeline;
import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.GenerationResult;
import org.dimba4j.infer.InvalidRequestException;
import org.dimba4j.infer.ModelHome;
import org.dimba4j.infer.PipelineOptions;
import org.dimba4j.infer.ProgressListener;
import org.dimba4j.infer.SamplerChoice;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.image.Png;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code dimba generate}: text to PNG, following the official scripts/inference.py (DESIGN.md, "Command-line
 * contract"). Progress and timings go to stderr; stdout stays empty.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate images from a text prompt (DPM-Solver++ 20 steps, guidance 4.5 by default).")
public final class GenerateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--prompt", required = true, description = "the text to draw")
    String prompt;

    @Option(names = "--negative-prompt", defaultValue = "", description = "text to steer away from (default: the null caption \"\")")
    String negativePrompt;

    @Option(names = "--model", description = "model folder (default: $DIMBA_HOME/" + ModelHome.DEFAULT_MODEL + ")")
    Path model;

    @Option(names = "--steps", defaultValue = "20", description = "sampler steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "4.5", description = "classifier-free guidance scale (default: ${DEFAULT-VALUE})")
    double guidance;

    @Option(names = "--sampler", defaultValue = "dpm-solver", description = "dpm-solver, ddim or iddpm (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--seed", converter = TorchSeedConverter.class, description = "seed: the noise equals torch.randn with torch.Generator().manual_seed(S)")
    Long seed;

    @Option(names = "--init-noise", description = "safetensors file whose tensor 'noise' [B,4,h,w] is the initial latents")
    Path initNoise;

    @Option(names = "--save-latents", description = "write the sampler's output as tensor 'latents' (before /scaling_factor)")
    Path saveLatents;

    @Option(names = "--width", description = "image width in pixels (default: the model's training size)")
    Integer width;

    @Option(names = "--height", description = "image height in pixels (default: the model's training size)")
    Integer height;

    @Option(names = "--batch", description = "images per prompt (default: 1, or the batch of --init-noise)")
    Integer batch;

    @Option(names = "--preview-every", defaultValue = "0", description = "write OUT-stepN.png every N steps (default: never)")
    int previewEvery;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, opencl or auto (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = {"-o", "--output"}, required = true, description = "output PNG (with --batch N: OUT-0.png ...)")
    Path output;

    @Override
    public void run() {
        PrintWriter err = spec.commandLine().getErr();
        // every option is checked before the model loads: bad values end here with exit 2, naming the option
        Path modelDir = model != null ? model : ModelHome.defaultModel();
        PipelineOptions options;
        GenerationRequest req;
        try {
            options = PipelineOptions.builder().device(Cli.device(device)).build();
            req = DimbaPipeline.check(modelDir, request(), options);
        } catch (InvalidRequestException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), Cli.option(e) + " " + e.problem());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (seed == null && req.seed() != null) err.println("[dimba4j] seed " + req.seed());
        long t0 = System.nanoTime();
        try (DimbaPipeline pipe = DimbaPipeline.load(modelDir, options)) {
            err.println("[dimba4j] loaded " + modelDir + " (" + pipe.loadTimings() + ")");
            int n = req.batch();
            err.printf(Locale.ROOT, "[dimba4j] %dx%d, %d image(s), %s %d steps, guidance %s%n", req.width(), req.height(), n,
                    req.sampler().cliName(), req.steps(), req.guidance());
            GenerationResult r = pipe.generate(req, new ProgressPrinter(err, output, pipe, req), new CancellationToken());
            if (saveLatents != null) {
                SafetensorsWriter.write(saveLatents, Map.of("latents", r.latents()), Map.of());
                err.println("[dimba4j] wrote latents " + java.util.Arrays.toString(r.latents().shape()) + " to " + saveLatents);
            }
            for (int i = 0; i < n; i++) {
                Path file = imagePath(output, n, i, null);
                Png.write(file, r.pictures().get(i), Map.of(Png.PARAMETERS, r.parametersText(i)));
                err.println("[dimba4j] wrote " + file);
            }
            double total = (System.nanoTime() - t0) / 1e9;
            GenerationResult.Timings t = r.timings();
            err.printf(Locale.ROOT, "[dimba4j] encode %.2f s, sample %.2f s, decode %.2f s | %.3f s/step, %.2f s/image"
                            + " (%d image(s), %.2f s total with loading)%n", t.encodeSeconds(), t.sampleSeconds(),
                    t.decodeSeconds(), t.secondsPerStep(), (total - pipe.loadTimings().total()) / n, n, total);
        }
    }

    /** The options as a request (size 0: the model's, or the noise file's). */
    private GenerationRequest request() {
        SamplerChoice choice = SamplerChoice.parse(sampler);
        if (batch != null && batch < 1) throw new InvalidRequestException("batch", batch + " must be at least 1");
        if (seed != null && initNoise != null && choice != SamplerChoice.IDDPM) {
            // Only the ancestral sampler draws noise after the start; otherwise the seed would be silently unused.
            throw new IllegalArgumentException("--seed and --init-noise exclude each other with --sampler " + sampler
                    + ": the initial noise comes from " + initNoise + " (with --sampler iddpm the seed drives the"
                    + " noise of each step)");
        }
        Tensor noise = initNoise == null ? null : readNoise(initNoise);
        int n = batch != null ? batch : noise != null ? noise.dim(0) : 1;
        return GenerationRequest.builder(prompt).batch(n).negativePrompt(negativePrompt)
                .size(width != null ? width : 0, height != null ? height : 0).steps(steps).guidance(guidance)
                .sampler(choice).seed(seed).initNoise(noise).previewEvery(previewEvery).build();
    }

    private static Tensor readNoise(Path file) {
        try (TensorSource src = SafetensorsFile.open(file)) {
            if (!src.contains("noise")) {
                throw new IllegalArgumentException(file + ": no tensor 'noise' (found " + src.names() + ")");
            }
            Tensor t = src.get("noise");
            if (t.rank() != 4) {
                throw new IllegalArgumentException(file + ": tensor 'noise' must be [B, 4, h, w], got "
                        + java.util.Arrays.toString(t.shape()));
            }
            return Tensor.of(t.toFloatArray(), t.shape()); // copied: the file is closed
        }
    }

    /** OUT.png for one image; OUT-i.png for a batch; OUT-stepS.png / OUT-i-stepS.png for previews. */
    static Path imagePath(Path out, int batch, int index, Integer step) {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".png";
        String suffix = (batch > 1 ? "-" + index : "") + (step != null ? "-step" + step : "");
        return out.resolveSibling(stem + suffix + ext);
    }

    static Tensor image(Tensor images, int i) {
        int[] s = images.shape();
        int per = s[1] * s[2] * s[3];
        float[] dst = new float[per];
        System.arraycopy(images.floats(), i * per, dst, 0, per);
        return Tensor.of(dst, s[1], s[2], s[3]);
    }

    /** One stderr line per step with a bar, and the preview files. */
    private static final class ProgressPrinter implements ProgressListener {
        private final PrintWriter err;
        private final Path output;
        private final DimbaPipeline pipe;
        private final GenerationRequest req;

        ProgressPrinter(PrintWriter err, Path output, DimbaPipeline pipe, GenerationRequest req) {
            this.err = err;
            this.output = output;
            this.pipe = pipe;
            this.req = req;
        }

        @Override
        public void onPhase(String phase, double seconds) {
            err.printf(Locale.ROOT, "[dimba4j] %s %.2f s%n", phase, seconds);
        }

        @Override
        public void onStep(int step, int steps, double seconds) {
            int width = 20;
            int done = step * width / steps;
            err.printf(Locale.ROOT, "[dimba4j] step %" + Integer.toString(steps).length() + "d/%d [%s%s] %.2f s%n",
                    step, steps, "#".repeat(done), ".".repeat(width - done), seconds);
        }

        @Override
        public void onPreview(int step, int steps, List<BufferedImage> images) {
            int n = images.size();
            for (int i = 0; i < n; i++) {
                Path file = imagePath(output, n, i, step);
                Png.write(file, RgbImage.of(images.get(i)), Map.of(Png.PARAMETERS, pipe.parameters(req, i).toText()));
                err.println("[dimba4j] preview " + file);
            }
        }
    }
}
