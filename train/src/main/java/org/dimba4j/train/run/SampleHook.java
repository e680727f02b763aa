package org.dimba4j.train.run;

import org.dimba4j.io.TensorSource;

import java.nio.file.Path;

/**
 * {@code --sample-every N}: what draws the grid of fixed prompts and seeds in {@code RUN/samples/step-N.png}. An
 * interface because sampling (the text-to-image pipeline) lives in {@code infer}, which {@code train} must not depend
 * on; the CLI implements it. A hook must draw its noise from its own seeded generators: the run's draws are pure
 * functions of (seed, step) and sampling must leave them, and so every checkpoint, unchanged.
 */
@FunctionalInterface
public interface SampleHook {
    /**
     * Writes the PNG of the weights after {@code step} updates to {@code png} (a file aside: the run renames it into
     * place once written).
     *
     * @param weights the transformer's tensors by their official names, on the run's backend (the EMA's with
     *                {@code --ema-decay}); read them during the call only
     */
    void write(int step, TensorSource weights, Path png);
}
