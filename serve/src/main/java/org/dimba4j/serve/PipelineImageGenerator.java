package org.dimba4j.serve;

import org.dimba4j.infer.DimbaPipeline;
import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.GenerationResult;
import org.dimba4j.infer.PipelineOptions;
import org.dimba4j.infer.ProgressListener;
import org.dimba4j.infer.RequestLimits;
import org.dimba4j.infer.TextToImagePipeline;
import org.dimba4j.io.image.Png;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.model.dimba.DimbaConfig;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link ImageGenerator} over the library facade, {@link DimbaPipeline}, the one {@code dimba generate} uses: a
 * served image is the CLI's bytes for the same settings, and a cancelled job stops within one denoiser evaluation.
 */
public final class PipelineImageGenerator implements ImageGenerator {
    /**
     * f32 values live per output pixel in the VAE decoder at full resolution: the widest up block's channels times
     * a few buffers (input, norm, conv output, residual). Measured figures are in the README; this errs high.
     */
    private static final int DECODER_BUFFERS = 4;
    /** f32 values per token per hidden unit in one transformer block (Mamba expand 2, MLP ratio 4, both CFG halves). */
    private static final int BLOCK_BUFFERS = 24;

    private final DimbaPipeline pipe;

    private PipelineImageGenerator(DimbaPipeline pipe) {
        this.pipe = pipe;
    }

    /** Loads a model folder on the named device ({@code cpu}, {@code opencl} or {@code auto}), the library's limits. */
    public static PipelineImageGenerator load(Path modelDir, String device) {
        return load(modelDir, device, RequestLimits.defaults());
    }

    /**
     * Loads a model folder with the server's limits, so that the pipeline accepts what {@link Limits} let through
     * (the server checks first, naming its own flags).
     */
    public static PipelineImageGenerator load(Path modelDir, String device, RequestLimits limits) {
        return new PipelineImageGenerator(DimbaPipeline.load(modelDir,
                PipelineOptions.builder().device(device).limits(limits).build()));
    }

    @Override
    public String modelName() {
        return pipe.modelName();
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
    public List<byte[]> generate(JobSpec spec, Progress progress) {
        GenerationRequest req = new GenerationRequest(TextToImagePipeline.repeat(spec.prompt(), spec.n()),
                spec.negativePrompt(), spec.width(), spec.height(), spec.steps(), spec.guidance(), spec.sampler(),
                spec.seed(), null, spec.previewEvery());
        progress.cancellation().throwIfCancelled();
        GenerationResult r = pipe.generate(req, new ProgressListener() {
            @Override
            public void onStep(int step, int steps, double seconds) {
                progress.onStep(step, steps, seconds);
            }

            @Override
            public void onPreview(int step, int steps, List<BufferedImage> images) {
                List<byte[]> pngs = new ArrayList<>(images.size());
                for (int i = 0; i < images.size(); i++) {
                    pngs.add(Png.encode(RgbImage.of(images.get(i)), Map.of(Png.PARAMETERS, pipe.parameters(req, i).toText())));
                }
                progress.onPreview(step, pngs);
            }
        }, progress.cancellation());
        List<byte[]> pngs = new ArrayList<>(r.count());
        for (int i = 0; i < r.count(); i++) pngs.add(r.png(i));
        return pngs;
    }

    /** Waits for a running generation, then frees the model. */
    @Override
    public void close() {
        pipe.close();
    }
}
