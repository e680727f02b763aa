package org.dimba4j.infer;

import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.vae.VaeConfig;

import java.util.Locale;

/**
 * The checks a request passes before it is queued, from the model's configs alone (no weights): the size is a
 * multiple of 8 x patch size and within the limits, the batch, steps and prompt lengths within the limits, no
 * tensor of the run exceeds 2^31-1 elements (Java arrays are int-indexed), and the activations' estimated heap
 * fits the JVM's maximum heap.
 *
 * <p>The estimate counts the largest activations of the two big phases (they do not overlap): the denoiser's
 * widest tensors ([2B, tokens, max(2 x expand x C, mlp_ratio x C)] for the Mamba in_proj and the MLP, about
 * {@value #DENOISER_LIVE} of them alive at once) and the VAE decoder's full-resolution feature maps (a tile of
 * sample_size pixels above {@value #UNTILED_DECODE_LIMIT} px, {@value #DECODER_LIVE} alive), plus the output
 * pixels. It is rough on purpose: it refuses what cannot work, not what might be tight.
 */
public final class RequestCheck {
    /** Above this many pixels per side the pipeline decodes in tiles (TextToImagePipeline). */
    static final int UNTILED_DECODE_LIMIT = 1024;
    private static final int DENOISER_LIVE = 6;
    private static final int DECODER_LIVE = 3;

    private final DimbaConfig transformer;
    private final VaeConfig vae;
    private final RequestLimits limits;
    private final long maxHeapBytes;

    public RequestCheck(DimbaConfig transformer, VaeConfig vae, RequestLimits limits, long maxHeapBytes) {
        this.transformer = transformer;
        this.vae = vae;
        this.limits = limits;
        this.maxHeapBytes = maxHeapBytes;
    }

    /** The size the transformer was trained at: input_size latents x the VAE's downsampling factor. */
    public int defaultImageSize() {
        return transformer.inputSize() * vae.downsampleFactor();
    }

    /** Image sides must be multiples of this: the VAE's downsampling factor times the patch size. */
    public int sizeMultiple() {
        return vae.downsampleFactor() * transformer.patchSize();
    }

    /** The request with its size resolved (0 -> the model's), or an {@link InvalidRequestException} naming the field. */
    public GenerationRequest check(GenerationRequest req) {
        for (String p : req.prompts()) {
            if (p.length() > limits.maxPromptChars()) {
                throw new InvalidRequestException("prompt", "of " + p.length() + " characters exceeds the limit of "
                        + limits.maxPromptChars());
            }
        }
        if (req.negativePrompt().length() > limits.maxPromptChars()) {
            throw new InvalidRequestException("negativePrompt", "of " + req.negativePrompt().length()
                    + " characters exceeds the limit of " + limits.maxPromptChars());
        }
        if (req.batch() > limits.maxBatch()) {
            throw new InvalidRequestException("batch", req.batch() + " exceeds the limit of " + limits.maxBatch() + " images");
        }
        if (req.steps() > limits.maxSteps()) {
            throw new InvalidRequestException("steps", req.steps() + " exceeds the limit of " + limits.maxSteps());
        }
        GenerationRequest r = req.resolveSize(defaultImageSize(), vae.downsampleFactor());
        if (r.width() > limits.maxWidth()) {
            throw new InvalidRequestException("width", r.width() + " exceeds the limit of " + limits.maxWidth() + " pixels");
        }
        if (r.height() > limits.maxHeight()) {
            throw new InvalidRequestException("height", r.height() + " exceeds the limit of " + limits.maxHeight() + " pixels");
        }
        r.checkSize(sizeMultiple());
        r.checkNoise(transformer.inChannels(), vae.downsampleFactor());
        checkTensors(r);
        return r;
    }

    /** Elements of the largest single tensor, and the estimated activation bytes, of a resolved request. */
    record Estimate(long largestElements, String largestWhat, long bytes) {}

    Estimate estimate(GenerationRequest r) {
        long b = r.batch(), w = r.width(), h = r.height();
        long passes = r.guidance() == 1.0 ? b : 2 * b; // classifier-free guidance runs [uncond; cond]
        long p = transformer.patchSize();
        long f = vae.downsampleFactor(), tokens = (h / f / p) * (w / f / p);
        long c = transformer.hiddenSize();
        long widest = Math.max(2L * transformer.expand() * c, (long) Math.ceil(transformer.mlpRatio() * c));
        long denoiser = passes * tokens * widest;

        boolean tiled = w > UNTILED_DECODE_LIMIT || h > UNTILED_DECODE_LIMIT;
        long tw = tiled ? Math.min(w, vae.sampleSize()) : w, th = tiled ? Math.min(h, vae.sampleSize()) : h;
        int[] ch = vae.blockOutChannels();
        long top = Math.max(ch[0], ch[Math.min(1, ch.length - 1)]); // the last up block reads block_out[1] channels
        long decoder = b * top * tw * th;
        long pixels = b * 3 * w * h;

        long largest = Math.max(denoiser, Math.max(decoder, pixels));
        String what = largest == denoiser ? "the denoiser's activations [" + passes + ", " + tokens + ", " + widest + "]"
                : largest == decoder ? "the VAE decoder's feature map [" + b + ", " + top + ", " + th + ", " + tw + "]"
                : "the images [" + b + ", 3, " + h + ", " + w + "]";
        long bytes = 4 * (Math.max(DENOISER_LIVE * denoiser, DECODER_LIVE * decoder) + 2 * pixels);
        return new Estimate(largest, what, bytes);
    }

    private void checkTensors(GenerationRequest r) {
        Estimate e = estimate(r);
        String size = r.width() + "x" + r.height() + (r.batch() > 1 ? " at batch " + r.batch() : "");
        if (e.largestElements() > Integer.MAX_VALUE) {
            throw new InvalidRequestException("size", size + " needs a tensor of " + e.largestElements() + " elements ("
                    + e.largestWhat() + "); the limit is 2^31-1 = " + Integer.MAX_VALUE + " elements per tensor");
        }
        if (e.bytes() > maxHeapBytes) {
            throw new InvalidRequestException("size", size + " needs about " + gib(e.bytes()) + " of heap for its"
                    + " activations; this JVM may use at most " + gib(maxHeapBytes) + " (raise -Xmx, e.g."
                    + " DIMBA_JAVA_OPTS=-Xmx" + Math.max(1, (e.bytes() * 3 / 2 >> 30) + 1) + "g, or lower the size or batch)");
        }
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
