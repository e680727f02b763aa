package org.dimba4j.serve;

import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.PhaseTimer;
import org.dimba4j.infer.TextToImagePipeline;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.DimbaConfig;

import java.nio.file.Path;
import java.util.concurrent.CancellationException;

/** {@link ImageGenerator} over the infer module's {@link TextToImagePipeline}, as {@code dimba generate} drives it. */
public final class PipelineImageGenerator implements ImageGenerator {
    /**
     * f32 values live per output pixel in the VAE decoder at full resolution: the widest up block's channels times
     * a few buffers (input, norm, conv output, residual). Measured figures are in the README; this errs high.
     */
    private static final int DECODER_BUFFERS = 4;
    /** f32 values per token per hidden unit in one transformer block (Mamba expand 2, MLP ratio 4, both CFG halves). */
    private static final int BLOCK_BUFFERS = 24;

    private final Backend backend;
    private final TextToImagePipeline pipe;
    private final String name;

    private PipelineImageGenerator(Backend backend, TextToImagePipeline pipe) {
        this.backend = backend;
        this.pipe = pipe;
        this.name = pipe.modelDir().toAbsolutePath().normalize().getFileName().toString();
    }

    /** Loads a model folder on the named device ({@code cpu}, {@code opencl} or {@code auto}). */
    public static PipelineImageGenerator load(Path modelDir, String device) {
        Backend backend = Backends.select(device);
        try {
            return new PipelineImageGenerator(backend, TextToImagePipeline.load(modelDir, backend, new PhaseTimer()));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    @Override
    public String modelName() {
        return name;
    }

    @Override
    public int defaultSize() {
        return pipe.defaultImageSize();
    }

    @Override
    public int sizeMultiple() {
        return pipe.sizeMultiple();
    }

    @Override
    public int maxPromptTokens() {
        return pipe.config().modelMaxLength();
    }

    @Override
    public long estimateBytes(int width, int height, int n) {
        DimbaConfig cfg = pipe.config();
        long pixels = (long) width * height * n;
        // the decoder's first up block runs at full resolution with up to 4x the hidden size's channels (SD VAE: 128)
        long decoder = pixels * 128L * DECODER_BUFFERS * Float.BYTES;
        long tokens = pixels / (64L * cfg.patchSize() * cfg.patchSize());
        long transformer = 2L * tokens * cfg.hiddenSize() * BLOCK_BUFFERS * Float.BYTES;
        return decoder + transformer;
    }

    @Override
    public Tensor generate(JobSpec spec, Progress progress) {
        GenerationRequest req = new GenerationRequest(TextToImagePipeline.repeat(spec.prompt(), spec.n()),
                spec.negativePrompt(), spec.width(), spec.height(), spec.steps(), spec.guidance(), spec.sampler(),
                spec.seed(), null, spec.previewEvery());
        if (progress.cancelled()) throw new CancellationException("cancelled before it started");
        // the pipeline has no cancellation hook of its own: the step callback throwing ends the sampler loop
        TextToImagePipeline.Result r = pipe.generate(req, new TextToImagePipeline.Listener() {
            @Override
            public void onStep(int step, int steps, double seconds) {
                progress.onStep(step, steps, seconds);
                if (progress.cancelled()) throw new CancellationException("cancelled at step " + step + "/" + steps);
            }

            @Override
            public void onPreview(int step, Tensor images) {
                progress.onPreview(step, images);
            }
        });
        return r.images();
    }

    @Override
    public void close() {
        try {
            pipe.close();
        } finally {
            backend.close();
        }
    }
}
