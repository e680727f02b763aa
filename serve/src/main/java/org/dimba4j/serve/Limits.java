package org.dimba4j.serve;

import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.RequestLimits;

import java.util.Locale;

/**
 * What the server accepts, checked before a job is queued so that a bad request costs nothing: each refusal names
 * the request field and the limit (the flag that raises it).
 *
 * @param maxSide         largest width or height in pixels ({@code --max-size})
 * @param maxSteps        most sampler steps ({@code --max-steps})
 * @param maxImages       most images per request ({@code --max-images}; OpenAI's {@code n}, A1111's batch_size)
 * @param maxPromptChars  longest prompt or negative prompt in characters ({@code --max-prompt-chars}); the text
 *                        encoder reads only its first tokens, so longer text is a client error, not a wish
 * @param memoryBudget    bytes a job's working memory may take (the heap left after loading, or {@code --max-memory})
 */
public record Limits(int maxSide, int maxSteps, int maxImages, int maxPromptChars, long memoryBudget) {

    public Limits {
        if (maxSide < 8) throw new IllegalArgumentException("--max-size must be at least 8, got " + maxSide);
        if (maxSteps < 1) throw new IllegalArgumentException("--max-steps must be at least 1, got " + maxSteps);
        if (maxImages < 1) throw new IllegalArgumentException("--max-images must be at least 1, got " + maxImages);
        if (maxPromptChars < 1) throw new IllegalArgumentException("--max-prompt-chars must be at least 1, got " + maxPromptChars);
        if (memoryBudget < 1) throw new IllegalArgumentException("--max-memory must be positive, got " + memoryBudget);
    }

    /**
     * The same bounds for the library's own request checks ({@link RequestLimits}), so that the pipeline never refuses
     * what the server let through (the server checks first, naming its flags).
     */
    public RequestLimits pipelineLimits() {
        return new RequestLimits(maxSide, maxSide, maxImages, Math.min(maxSteps, GenerationRequest.MAX_STEPS), maxPromptChars);
    }

    /** Throws {@link BadRequestException} naming the first field out of range. */
    public void check(JobSpec s, ImageGenerator model) {
        int m = model.sizeMultiple();
        side("width", s.width(), m);
        side("height", s.height(), m);
        if (s.steps() < 1 || s.steps() > maxSteps) {
            throw new BadRequestException("steps", "steps " + s.steps() + " is outside 1.." + maxSteps
                    + " (the server's --max-steps)");
        }
        if (s.sampler() == org.dimba4j.infer.SamplerChoice.DPM_SOLVER && s.steps() < 2) {
            throw new BadRequestException("steps", "steps must be at least 2 for dpm-solver (multistep order 2), got " + s.steps());
        }
        if (!(s.guidance() >= 0) || s.guidance() > 100) {
            throw new BadRequestException("guidance", "guidance " + s.guidance() + " is outside 0..100");
        }
        if (s.n() < 1 || s.n() > maxImages) {
            throw new BadRequestException("n", "n (images per request) " + s.n() + " is outside 1.." + maxImages
                    + " (the server's --max-images)");
        }
        if (s.prompt().isBlank()) throw new BadRequestException("prompt", "prompt is empty");
        prompt("prompt", s.prompt());
        prompt("negative_prompt", s.negativePrompt());
        if (s.previewEvery() < 0) {
            throw new BadRequestException("preview_every", "preview_every must be >= 0, got " + s.previewEvery());
        }
        long need = model.estimateBytes(s.width(), s.height(), s.n());
        if (need > memoryBudget) {
            throw new BadRequestException("size", String.format(Locale.ROOT,
                    "%d image(s) of %s would need about %s of working memory; this server allows %s"
                            + " (a smaller size or n, or a larger -Xmx / --max-memory)",
                    s.n(), s.size(), gib(need), gib(memoryBudget)));
        }
    }

    private void side(String field, int v, int multiple) {
        if (v < multiple || v > maxSide) {
            throw new BadRequestException(field, field + " " + v + " is outside " + multiple + ".." + maxSide
                    + " pixels (the server's --max-size)");
        }
        if (v % multiple != 0) {
            int lo = v / multiple * multiple;
            throw new BadRequestException(field, field + " " + v + " must be a multiple of " + multiple
                    + " (the VAE's downsampling factor x the patch size); try " + lo + " or " + (lo + multiple));
        }
    }

    private void prompt(String field, String text) {
        if (text.length() > maxPromptChars) {
            throw new BadRequestException(field, field + " has " + text.length() + " characters; the limit is "
                    + maxPromptChars + " (the server's --max-prompt-chars; the text encoder reads only its first tokens)");
        }
    }

    static String gib(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }
}
