package org.dimba4j.infer.cli;

import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.ModelHome;
import org.dimba4j.infer.PhaseTimer;
import org.dimba4j.infer.SamplerChoice;
import org.dimba4j.infer.TextToImagePipeline;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.image.GenerationParameters;
import org.dimba4j.io.image.Png;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
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

    @Option(names = "--model", description = "model folder (default: $DIMBA_HOME/models/tiny-reference)")
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
        SamplerChoice choice = SamplerChoice.parse(sampler);
        if (batch != null && batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        if (seed != null && initNoise != null && choice != SamplerChoice.IDDPM) {
            // Only the ancestral sampler draws noise after the start; otherwise the seed would be silently unused.
            throw new IllegalArgumentException("--seed and --init-noise exclude each other with --sampler " + sampler
                    + ": the initial noise comes from " + initNoise + " (with --sampler iddpm the seed drives the"
                    + " noise of each step)");
        }
        Tensor noise = initNoise == null ? null : readNoise(initNoise);
        Long usedSeed = seed;
        if (usedSeed == null && (noise == null || choice == SamplerChoice.IDDPM)) {
            usedSeed = new SecureRandom().nextLong() & 0xffffffffL;
            err.println("[dimba4j] seed " + usedSeed);
        }
        Path modelDir = model != null ? model : ModelHome.defaultModel();
        PhaseTimer loadTimer = new PhaseTimer();
        long t0 = System.nanoTime();
        try (Backend backend = Backends.select(device);
             TextToImagePipeline pipe = TextToImagePipeline.load(modelDir, backend, loadTimer)) {
            err.println("[dimba4j] loaded " + modelDir + " (" + loadTimer + ")");
            int n = batch != null ? batch : noise != null ? noise.dim(0) : 1;
            int w = width != null ? width : noise != null ? noise.dim(3) * 8 : pipe.defaultImageSize();
            int h = height != null ? height : noise != null ? noise.dim(2) * 8 : pipe.defaultImageSize();
            GenerationRequest req = new GenerationRequest(TextToImagePipeline.repeat(prompt, n), negativePrompt, w, h,
                    steps, guidance, choice, usedSeed, noise, previewEvery);
            Long seedForPng = usedSeed;
            err.printf(Locale.ROOT, "[dimba4j] %dx%d, %d image(s), %s %d steps, guidance %s%n", w, h, n,
                    choice.cliName(), steps, guidance);
            TextToImagePipeline.Result r = pipe.generate(req, new ProgressPrinter(err, output, pipe, req, seedForPng));
            if (saveLatents != null) {
                SafetensorsWriter.write(saveLatents, Map.of("latents", r.latents()), Map.of());
                err.println("[dimba4j] wrote latents " + java.util.Arrays.toString(r.latents().shape()) + " to " + saveLatents);
            }
            for (int i = 0; i < n; i++) {
                Path file = imagePath(output, n, i, null);
                Png.write(file, image(r.images(), i), parameters(pipe, req, seedForPng));
                err.println("[dimba4j] wrote " + file);
            }
            double total = (System.nanoTime() - t0) / 1e9;
            double sample = r.timer().get("sample");
            err.printf(Locale.ROOT, "[dimba4j] %s | %.3f s/step, %.2f s/image (%d image(s), %.2f s total with loading)%n",
                    r.timer(), sample / r.steps(), (total - loadTimer.total()) / n, n, total);
        }
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

    static GenerationParameters parameters(TextToImagePipeline pipe, GenerationRequest req, Long seed) {
        return new GenerationParameters(req.prompts().get(0), req.negativePrompt(), req.steps(), req.sampler().cliName(),
                req.guidance(), req.initNoise() == null ? seed : null, req.width(), req.height(),
                pipe.modelDir().toAbsolutePath().normalize().getFileName().toString());
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
    private static final class ProgressPrinter implements TextToImagePipeline.Listener {
        private final PrintWriter err;
        private final Path output;
        private final TextToImagePipeline pipe;
        private final GenerationRequest req;
        private final Long seed;

        ProgressPrinter(PrintWriter err, Path output, TextToImagePipeline pipe, GenerationRequest req, Long seed) {
            this.err = err;
            this.output = output;
            this.pipe = pipe;
            this.req = req;
            this.seed = seed;
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
        public void onPreview(int step, Tensor images) {
            int n = images.dim(0);
            for (int i = 0; i < n; i++) {
                Path file = imagePath(output, n, i, step);
                Png.write(file, image(images, i), parameters(pipe, req, seed));
                err.println("[dimba4j] preview " + file);
            }
        }
    }
}
