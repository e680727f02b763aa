package org.dimba4j.spark;

import org.dimba4j.infer.SamplerChoice;
import org.dimba4j.infer.batch.BatchDefaults;

import java.io.Serializable;

/**
 * What every task of a {@link DimbaSparkGenerate} job needs, shipped with the closure (a few strings and numbers,
 * never weights): the model folder's path as the executors see it (a shared or copied folder; weights are
 * memory-mapped there) and the defaults of lines that leave a field out (as {@code dimba generate-batch}'s flags).
 *
 * @param seed lines without a seed use {@code seed + index}; required here (null is refused), so a retried task
 *             draws the same noise and its image is the same bytes
 */
public record SparkBatchSettings(String modelDir, String device, int threads, String negativePrompt, int steps,
                                 double guidance, String sampler, int width, int height, Long seed) implements Serializable {

    public SparkBatchSettings {
        if (modelDir == null) throw new IllegalArgumentException("modelDir is missing");
        if (seed == null) throw new IllegalArgumentException("seed is missing: a Spark job needs a default seed so a retried task redraws the same image");
        device = device == null ? "cpu" : device;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        SamplerChoice.parse(sampler);
    }

    /** {@code dimba generate-batch}'s defaults with seed 0, on the CPU. */
    public static SparkBatchSettings of(String modelDir) {
        return new SparkBatchSettings(modelDir, "cpu", 0, "", 20, 4.5, "dpm-solver", 0, 0, 0L);
    }

    public SparkBatchSettings withSteps(int steps) {
        return new SparkBatchSettings(modelDir, device, threads, negativePrompt, steps, guidance, sampler, width, height, seed);
    }

    public SparkBatchSettings withSeed(long seed) {
        return new SparkBatchSettings(modelDir, device, threads, negativePrompt, steps, guidance, sampler, width, height, seed);
    }

    public SparkBatchSettings withThreads(int threads) {
        return new SparkBatchSettings(modelDir, device, threads, negativePrompt, steps, guidance, sampler, width, height, seed);
    }

    BatchDefaults defaults() {
        return new BatchDefaults(negativePrompt, steps, guidance, SamplerChoice.parse(sampler), width, height, seed);
    }
}
