package org.dimba4j.infer.cli;

import org.dimba4j.infer.CancellationToken;
import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.PhaseTimer;
import org.dimba4j.infer.TextToImagePipeline;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.image.ImageTensors;
import org.dimba4j.io.image.Png;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.t5.T5Config;
import org.dimba4j.model.t5.T5Encoder;
import org.dimba4j.train.run.SampleHook;
import org.dimba4j.train.text.TrainedTextEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The CLI's {@link SampleHook}: the run's current weights sampled as {@code dimba generate} samples (DPM-Solver++ at
 * its default steps and guidance) with the run's model folder's tokenizer, text encoder and VAE, one image per
 * prompt from one seeded noise batch, laid out in a grid (prompts row by row). The noise comes from a
 * {@code TorchGenerator} of the run's seed, its own, so the training draws never see it.
 */
final class TrainingSamples implements SampleHook, AutoCloseable {
    /** The official {@code scripts/train.py} validation prompts (its {@code config.visualize} branch). */
    static final List<String> OFFICIAL_PROMPTS = List.of(
            "dog",
            "portrait photo of a girl, photograph, highly detailed face, depth of field",
            "Self-portrait oil painting, a beautiful cyborg with golden hair, 8k",
            "Astronaut in a jungle, cold color palette, muted colors, detailed, 8k",
            "A photo of beautiful mountain with realistic sunset and blue lake, highly detailed, masterpiece");

    private final Path modelDir;
    private final Backend be;
    private final List<String> prompts;
    private final long seed;
    private TextToImagePipeline pipeline;

    TrainingSamples(Path modelDir, Backend be, List<String> prompts, long seed) {
        this.modelDir = modelDir;
        this.be = be;
        this.prompts = List.copyOf(prompts);
        this.seed = seed;
    }

    /** The prompts of {@code --sample-prompts FILE}: one a line, blank lines skipped; an error naming the file. */
    static List<String> readPrompts(Path file) {
        if (file == null) return OFFICIAL_PROMPTS;
        try {
            List<String> p = Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (p.isEmpty()) throw new IllegalArgumentException("--sample-prompts " + file + ": no prompt in it (one a line)");
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException("--sample-prompts " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(int step, TensorSource weights, Path png) {
        if (pipeline == null) pipeline = TextToImagePipeline.load(modelDir, be, new PhaseTimer());
        DimbaConfig config = pipeline.config();
        GenerationRequest req = GenerationRequest.builder(prompts.getFirst()).prompts(prompts).seed(seed).build();
        int side = pipeline.defaultImageSize();
        req = req.withSize(side, side);
        // a run that trains the text encoder samples with its current one, else with the folder's
        T5Encoder text = TrainedTextEncoder.presentIn(weights)
                ? T5Encoder.of(T5Config.read(modelDir.resolve("text_encoder/config.json")), TrainedTextEncoder.weightsOf(weights), be)
                : null;
        Dimba transformer = Dimba.of(config, TrainedTextEncoder.transformerOf(weights), be);
        Tensor images = (text == null
                ? pipeline.generate(req, TextToImagePipeline.Listener.NONE, new CancellationToken(), transformer)
                : pipeline.generate(req, TextToImagePipeline.Listener.NONE, new CancellationToken(), transformer, text)).images();
        Png.write(png, ImageTensors.toImage(grid(images)), Map.of("dimba4j.samples", "step " + step + ", seed " + seed
                + ", prompts (row by row): " + String.join(" | ", prompts)));
    }

    /** [B, 3, H, W] -> [3, rows * H, cols * W], cols = ceil(sqrt(B)); empty cells black (-1). */
    static Tensor grid(Tensor images) {
        int[] s = images.shape();
        int n = s[0], c = s[1], h = s[2], w = s[3];
        int cols = (int) Math.ceil(Math.sqrt(n)), rows = (n + cols - 1) / cols;
        float[] src = images.toFloatArray(), out = new float[c * rows * h * cols * w];
        java.util.Arrays.fill(out, -1f);
        for (int i = 0; i < n; i++) {
            int r0 = (i / cols) * h, c0 = (i % cols) * w;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(src, ((i * c + ch) * h + y) * w, out, (ch * rows * h + r0 + y) * cols * w + c0, w);
                }
            }
        }
        return Tensor.of(out, c, rows * h, cols * w);
    }

    @Override
    public void close() {
        if (pipeline != null) pipeline.close();
    }
}
