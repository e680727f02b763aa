package org.dimba4j.infer;

import org.dimba4j.io.tokenizer.SentencePieceTokenizer;
import org.dimba4j.io.tokenizer.TokenBatch;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.diffusion.DiffusionModel;
import org.dimba4j.model.diffusion.Sampler;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.random.TorchGenerator;
import org.dimba4j.model.t5.T5Encoder;
import org.dimba4j.model.vae.AutoencoderKL;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Text to image as the official scripts/inference.py does it, composed from the model folder's parts
 * (tokenizer/, text_encoder/, transformer/, vae/):
 * <ol>
 *   <li>the prompts are tokenized and padded to the transformer's model_max_length; T5 encodes them;</li>
 *   <li>the unconditional features are T5 of "" padded the same way (or of the negative prompt), and the
 *       prompt's attention mask serves both guidance halves (DESIGN.md), so the null caption is cut to the
 *       prompt's token count. A negative prompt is cut the same way: the official denoiser takes one mask for
 *       the batched [uncond; cond] pass, so that is what its pipeline computes with T5(negative) as null_y;</li>
 *   <li>the initial latents are torch.randn((B, 4, h, w), generator=manual_seed(seed)) bit for bit, or given;</li>
 *   <li>the sampler (DPM-Solver++ multistep order 2 by default) runs the guided denoiser;</li>
 *   <li>the VAE decodes latents / scaling_factor into images in about [-1, 1].</li>
 * </ol>
 */
public final class TextToImagePipeline implements AutoCloseable {

    /** Progress callbacks (stderr lines and previews in the CLI). */
    public interface Listener {
        Listener NONE = new Listener() {};

        default void onPhase(String phase, double seconds) {}

        default void onStep(int step, int steps, double seconds) {}

        /** Images decoded from the x0 estimate after {@code step}. */
        default void onPreview(int step, Tensor images) {}
    }

    /** What one call produced: latents before division by the scaling factor, host images [B, 3, H, W]. */
    public record Result(Tensor latents, Tensor images, Long seed, PhaseTimer timer, int steps) {}

    /** Pictures larger than this (pixels per side) are decoded in overlapping tiles to bound memory. */
    private static final int UNTILED_DECODE_LIMIT = RequestCheck.UNTILED_DECODE_LIMIT;

    private final Path modelDir;
    private final Backend backend;
    private final SentencePieceTokenizer tokenizer;
    private final T5Encoder textEncoder;
    private final Dimba transformer;
    private final AutoencoderKL vae;

    private TextToImagePipeline(Path modelDir, Backend backend, SentencePieceTokenizer tokenizer, T5Encoder textEncoder,
                                Dimba transformer, AutoencoderKL vae) {
        this.modelDir = modelDir;
        this.backend = backend;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.transformer = transformer;
        this.vae = vae;
    }

    /** Loads the four parts of a model folder (see DESIGN.md, "The model folder"). */
    public static TextToImagePipeline load(Path modelDir, Backend backend, PhaseTimer timer) {
        for (String part : List.of("tokenizer", "text_encoder", "transformer", "vae")) {
            if (!Files.isDirectory(modelDir.resolve(part))) {
                throw new IllegalArgumentException(modelDir + ": no " + part + "/ folder (a model folder holds tokenizer/,"
                        + " text_encoder/, transformer/ and vae/; `dimba import-official` makes one)");
            }
        }
        SentencePieceTokenizer tok = timer.time("load tokenizer", () -> SentencePieceTokenizer.loadAsTransformers(modelDir.resolve("tokenizer")));
        T5Encoder t5 = timer.time("load text encoder", () -> T5Encoder.load(modelDir.resolve("text_encoder"), backend));
        Dimba dimba = timer.time("load transformer", () -> Dimba.load(modelDir.resolve("transformer"), backend));
        AutoencoderKL vae = timer.time("load vae", () -> AutoencoderKL.load(modelDir.resolve("vae"), backend));
        if (t5.config().dModel() != dimba.config().captionChannels()) {
            throw new IllegalArgumentException(modelDir + ": text_encoder d_model " + t5.config().dModel()
                    + " does not match transformer caption_channels " + dimba.config().captionChannels());
        }
        if (vae.config().latentChannels() != dimba.config().inChannels()) {
            throw new IllegalArgumentException(modelDir + ": vae latent_channels " + vae.config().latentChannels()
                    + " does not match transformer in_channels " + dimba.config().inChannels());
        }
        return new TextToImagePipeline(modelDir, backend, tok, t5, dimba, vae);
    }

    public DimbaConfig config() {
        return transformer.config();
    }

    public org.dimba4j.model.vae.VaeConfig vaeConfig() {
        return vae.config();
    }

    public Path modelDir() {
        return modelDir;
    }

    /** The size the transformer was trained at: input_size latents x the VAE's downsampling factor. */
    public int defaultImageSize() {
        return config().inputSize() * vaeConfig().downsampleFactor();
    }

    /** Image sides must be multiples of this: the VAE's downsampling factor times the patch size. */
    public int sizeMultiple() {
        return vaeConfig().downsampleFactor() * config().patchSize();
    }

    public Result generate(GenerationRequest req, Listener listener) {
        return generate(req, listener, new CancellationToken());
    }

    /**
     * Runs one request on the calling thread. {@code cancel} is checked before encoding, before every denoiser
     * evaluation, after every step and before decoding; once set, this throws {@link java.util.concurrent.CancellationException}.
     * Not thread-safe: {@link DimbaPipeline} serialises calls.
     */
    public Result generate(GenerationRequest req, Listener listener, CancellationToken cancel) {
        return generate(req, listener, cancel, transformer);
    }

    /**
     * As {@link #generate(GenerationRequest, Listener, CancellationToken)} with another denoiser of the same config
     * in place of the folder's transformer: a training run's current weights, sampled with this folder's tokenizer,
     * text encoder and VAE ({@code dimba train --sample-every}).
     */
    public Result generate(GenerationRequest req, Listener listener, CancellationToken cancel, Dimba transformer) {
        return generate(req, listener, cancel, transformer, textEncoder);
    }

    /**
     * As above with another text encoder of the same config too: a run's jointly trained one
     * ({@code dimba train --train-text-encoder --sample-every}).
     */
    public Result generate(GenerationRequest req, Listener listener, CancellationToken cancel, Dimba transformer,
                           T5Encoder textEncoder) {
        if (!textEncoder.config().equals(this.textEncoder.config())) {
            throw new IllegalArgumentException("the text encoder's config " + textEncoder.config() + " is not the pipeline's "
                    + this.textEncoder.config());
        }
        if (!transformer.config().equals(config())) {
            throw new IllegalArgumentException("the transformer's config " + transformer.config() + " is not the pipeline's " + config());
        }
        PhaseTimer timer = new PhaseTimer();
        cancel.throwIfCancelled();
        DimbaConfig cfg = config();
        req.checkSize(sizeMultiple());
        req.checkNoise(cfg.inChannels(), vaeConfig().downsampleFactor());
        int b = req.batch();
        int len = cfg.modelMaxLength();

        // 1-2. text features: prompt, and "" (or the negative prompt) padded to model_max_length
        TokenBatch prompt = tokenizer.batch(req.prompts(), len, true);
        TokenBatch negative = tokenizer.batch(List.of(req.negativePrompt()), len, true);
        Tensor[] features = timer.time("encode", () -> new Tensor[] {
                textEncoder.encode(prompt.idsTensor(), prompt.maskTensor()),
                textEncoder.encode(negative.idsTensor(), negative.maskTensor())});
        int d = cfg.captionChannels();
        Tensor cond = features[0].reshape(b, 1, len, d);
        Tensor uncond = backend.concat(0, Collections.nCopies(b, features[1]).toArray(Tensor[]::new)).reshape(b, 1, len, d);
        Tensor condMask = prompt.maskTensor();
        Tensor uncondMask = condMask;
        listener.onPhase("encode", timer.get("encode"));

        // 3. initial noise
        TorchGenerator generator = req.seed() != null ? new TorchGenerator(req.seed()) : null;
        Tensor noise = req.initNoise() != null ? req.initNoise().toF32() : generator.randn(req.latentShape(cfg.inChannels(), vaeConfig().downsampleFactor()));

        // 4. sampling
        Sampler sampler = req.sampler().create(req.steps(), generator);
        ClassifierFreeGuidance guided = new ClassifierFreeGuidance(transformer::forward, backend, req.sampler().guidanceForm(),
                req.guidance(), cfg.inChannels(), cond, condMask, uncond, uncondMask);
        DiffusionModel model = (x, t) -> {
            cancel.throwIfCancelled();
            return guided.predict(x, t);
        };
        long[] stepStart = {System.nanoTime()};
        Tensor latents = sampler.sample(noise, model, (step, steps, x, denoised) -> {
            double s = (System.nanoTime() - stepStart[0]) / 1e9;
            timer.add("sample", s);
            listener.onStep(step, steps, s);
            cancel.throwIfCancelled();
            if (req.previewEvery() > 0 && (step % req.previewEvery() == 0) && step < steps) {
                listener.onPreview(step, decode(denoised));
            }
            stepStart[0] = System.nanoTime();
        });

        // 5. decode
        cancel.throwIfCancelled();
        Tensor images = timer.time("decode", () -> decode(latents));
        listener.onPhase("decode", timer.get("decode"));
        return new Result(latents, images, req.seed(), timer, sampler.steps());
    }

    /** Sampler latents -> images: the VAE decodes latents / scaling_factor (+ shift, 0 for SDXL's VAE). */
    public Tensor decode(Tensor latents) {
        Tensor scaled = backend.download(backend.affine(latents, 1f / vae.scalingFactor(), vae.shiftFactor()));
        int f = vae.config().downsampleFactor();
        boolean large = latents.dim(2) * f > UNTILED_DECODE_LIMIT || latents.dim(3) * f > UNTILED_DECODE_LIMIT;
        return large ? vae.decodeTiled(scaled) : vae.decode(scaled);
    }

    /** The prompts of a batch: {@code prompt} repeated {@code batch} times. */
    public static List<String> repeat(String prompt, int batch) {
        return new ArrayList<>(Collections.nCopies(batch, prompt));
    }

    @Override
    public void close() {
        textEncoder.close();
        transformer.close();
        vae.close();
    }
}
