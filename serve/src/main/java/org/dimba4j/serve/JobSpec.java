package org.dimba4j.serve;

import org.dimba4j.infer.SamplerChoice;

/**
 * One generation as the server queues it, after parsing and before the limits are checked ({@link Limits}).
 * Every face (job API, OpenAI, AUTOMATIC1111, web page) turns its request into one of these, so a seed means the
 * same picture whichever door it came through, and the same as {@code dimba generate --seed S --batch N}.
 *
 * @param n            images per request: the CLI's {@code --batch}, one noise tensor [n, 4, h, w] from one seed
 * @param seed         the torch-compatible seed (always set: the server draws one when the client did not)
 * @param previewEvery decode the x0 estimate every this many steps for progress previews (0: never)
 */
public record JobSpec(String prompt, String negativePrompt, int width, int height, int steps, double guidance,
                      SamplerChoice sampler, long seed, int n, int previewEvery) {

    public JobSpec {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
    }

    /** Pixels of all images together: what the memory estimate scales with. */
    public long pixels() {
        return (long) width * height * n;
    }

    public String size() {
        return width + "x" + height;
    }
}
