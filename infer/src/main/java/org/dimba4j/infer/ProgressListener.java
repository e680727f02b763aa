package org.dimba4j.infer;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Progress of one {@link DimbaPipeline} request, called on the pipeline's device thread: keep the callbacks short
 * (hand work to another thread) since the next step waits for them. An exception thrown here fails the request.
 */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {};

    /** The request left the queue and its device work begins. */
    default void onStart(GenerationRequest request) {}

    /** A phase ended: "encode" (T5 of prompt and negative prompt), "decode" (VAE). */
    default void onPhase(String phase, double seconds) {}

    /** Sampler step {@code step} of {@code steps} (1-based) took {@code seconds}. */
    default void onStep(int step, int steps, double seconds) {}

    /**
     * The sampler's current x0 estimate decoded, one image per prompt, every {@link GenerationRequest#previewEvery()}
     * steps (never after the last one: the result follows).
     */
    default void onPreview(int step, int steps, List<BufferedImage> images) {}
}
