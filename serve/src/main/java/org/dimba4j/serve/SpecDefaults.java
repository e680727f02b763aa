package org.dimba4j.serve;

import org.dimba4j.infer.SamplerChoice;

import java.security.SecureRandom;

/**
 * The CLI's defaults for whatever a request leaves out (20 steps, guidance 4.5, dpm-solver, the model's size, one
 * image, a fresh seed), so that the same settings mean the same image from every face and from the CLI.
 */
final class SpecDefaults {
    static final int STEPS = 20;
    static final double GUIDANCE = 4.5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SpecDefaults() {}

    /** A seed as the CLI draws one when none is given: 32 random bits, printable and easy to retype. */
    static long seedOr(Long seed) {
        return seed != null ? seed : RANDOM.nextLong() & 0xffffffffL;
    }

    /** The fields the job API and the web page share: prompt, size, steps, guidance, sampler, seed, n. */
    static JobSpec fromNative(JsonBody b, ImageGenerator model) {
        int[] size = b.size("size");
        int w = size != null ? size[0] : model.defaultSize();
        int h = size != null ? size[1] : model.defaultSize();
        w = b.integer("width", w);
        h = b.integer("height", h);
        SamplerChoice sampler = Samplers.parse("sampler", b.string("sampler", null));
        return new JobSpec(b.requiredString("prompt"), b.string("negative_prompt", ""), w, h,
                b.integer("steps", STEPS), b.number("guidance", GUIDANCE), sampler, seedOr(b.seed("seed")),
                b.integer("n", 1), b.integer("preview_every", 0));
    }
}
