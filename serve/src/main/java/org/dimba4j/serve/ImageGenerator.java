package org.dimba4j.serve;

import org.dimba4j.kernels.Tensor;

/**
 * What the server needs from a loaded model: the seam between HTTP and the infer pipeline. One instance is driven by
 * one worker thread ({@link JobQueue}), so implementations need not be thread-safe.
 */
public interface ImageGenerator extends AutoCloseable {

    /** Progress of one {@link #generate} call. */
    interface Progress {
        void onStep(int step, int steps, double seconds);

        /** Images [n, 3, H, W] in [-1, 1] decoded from the x0 estimate after {@code step}. */
        void onPreview(int step, Tensor images);

        /** Polled between steps: true stops the run with {@link java.util.concurrent.CancellationException}. */
        boolean cancelled();
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

    /** Runs one generation; returns host images [n, 3, H, W] in [-1, 1]. */
    Tensor generate(JobSpec spec, Progress progress);

    @Override
    void close();
}
