package org.dimba4j.infer;

/**
 * What a {@link DimbaPipeline} accepts, checked before a request is queued. Besides these, every request is
 * refused whose tensors would exceed 2^31-1 elements or whose estimated activations exceed the JVM's maximum heap
 * ({@link RequestCheck}).
 *
 * @param maxWidth       pixels
 * @param maxHeight      pixels
 * @param maxBatch       images per request
 * @param maxSteps       sampler steps (at most the schedule's 1000)
 * @param maxPromptChars characters per prompt and per negative prompt (T5 reads only model_max_length tokens)
 */
public record RequestLimits(int maxWidth, int maxHeight, int maxBatch, int maxSteps, int maxPromptChars) {

    public RequestLimits {
        if (maxWidth < 1 || maxHeight < 1 || maxBatch < 1 || maxPromptChars < 1) {
            throw new IllegalArgumentException("request limits must be positive: " + maxWidth + "x" + maxHeight
                    + ", batch " + maxBatch + ", prompt " + maxPromptChars + " chars");
        }
        if (maxSteps < 1 || maxSteps > GenerationRequest.MAX_STEPS) {
            throw new IllegalArgumentException("maxSteps " + maxSteps + " must be in 1.." + GenerationRequest.MAX_STEPS);
        }
    }

    /** 8192 x 8192 pixels, batch 64, 1000 steps, prompts of 10000 characters. */
    public static RequestLimits defaults() {
        return new RequestLimits(8192, 8192, 64, GenerationRequest.MAX_STEPS, 10_000);
    }
}
