package org.dimba4j.infer.batch;

import org.dimba4j.infer.SamplerChoice;

/**
 * What a prompts-file line gets for each field it leaves out (the command's {@code --steps}, {@code --guidance},
 * ... flags; {@code dimba generate}'s defaults).
 *
 * @param width  pixels, or 0 for the model's size
 * @param height pixels, or 0 for the model's size
 * @param seed   lines without a seed use {@code seed + index} (the line's 0-based index among the non-blank lines),
 *               so lines differ and every shard draws the same noise for a line; null: a random seed per line,
 *               recorded in the manifest
 */
public record BatchDefaults(String negativePrompt, int steps, double guidance, SamplerChoice sampler, int width, int height,
                            Long seed) {

    public BatchDefaults {
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        if (sampler == null) sampler = SamplerChoice.DPM_SOLVER;
    }

    /** {@code dimba generate}'s: 20 steps, guidance 4.5, dpm-solver, the model's size, random seeds. */
    public static BatchDefaults of() {
        return new BatchDefaults("", 20, 4.5, SamplerChoice.DPM_SOLVER, 0, 0, null);
    }

    public BatchDefaults withSeed(Long seed) {
        return new BatchDefaults(negativePrompt, steps, guidance, sampler, width, height, seed);
    }
}
