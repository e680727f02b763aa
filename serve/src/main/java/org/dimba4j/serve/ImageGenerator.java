package org.dimba4j.serve;

import org.dimba4j.infer.CancellationToken;

import java.util.List;

/**
 * What the server needs from a loaded model: the seam between HTTP and the infer pipeline. One instance is driven by
 * one worker thread ({@link JobQueue}), so implementations need not be thread-safe.
 */
public interface ImageGenerator extends AutoCloseable {

    /** Progress of one {@link #generate} call. */
    interface Progress {
        void onStep(int step, int steps, double seconds);

        /** PNGs (with the settings chunk) of the x0 estimate after {@code step}, one per image. */
        void onPreview(int step, List<byte[]> pngs);

        /** Once cancelled, the run stops within one denoiser evaluation with {@link java.util.concurrent.CancellationException}. */
        CancellationToken cancellation();
    }

    /** The model folder's name (what PNGs record as "Model", and what /v1/models lists). */
    String modelName();

    /** The side the model was trained at, in pixels: the size used when a request names none. */
    int defaultSize();

    /** Image sides must be multiples of this (8 x patch size). */
    int sizeMultiple();

    /** Tokens the text encoder reads; longer prompts are truncated, as the official pipeline does. */
    int maxPromptTokens();

    /** A working-memory estimate for one call, in bytes (activations, not the weights already loaded). */
    long estimateBytes(int width, int height, int n);

    /** Runs one generation; returns one PNG per image, the bytes {@code dimba generate} writes for the same settings. */
    List<byte[]> generate(JobSpec spec, Progress progress);

    @Override
    void close();
}
