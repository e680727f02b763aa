package org.dimba4j.serve;

import org.dimba4j.io.image.GenerationParameters;

/**
 * The A1111 {@code parameters} text of a job, as {@code dimba generate} writes it into its PNGs: the infotext and job
 * views report it (the PNGs themselves come from the pipeline with the same chunk).
 */
final class JobParameters {
    private JobParameters() {}

    /** The settings chunk exactly as {@code dimba generate} writes it. */
    static GenerationParameters of(JobSpec s, String model) {
        return new GenerationParameters(s.prompt(), s.negativePrompt(), s.steps(), s.sampler().cliName(), s.guidance(),
                s.seed(), s.width(), s.height(), model);
    }
}
