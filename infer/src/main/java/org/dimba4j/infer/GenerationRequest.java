package org.dimba4j.infer;

import org.dimba4j.kernels.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * One {@code generate} call, validated.
 *
 * @param prompts        one prompt per image (the CLI repeats its prompt {@code --batch} times)
 * @param negativePrompt the unconditional text; empty means the official null caption T5("")
 * @param width          image width in pixels (a multiple of 8 x patch size)
 * @param height         image height in pixels
 * @param seed           seeds the torch-compatible generator (initial noise, IDDPM's per-step noise); required
 *                       unless {@code initNoise} is given
 * @param initNoise      the initial latents [B, C, h, w] instead of seeded noise, or null
 * @param previewEvery   decode the current x0 estimate every this many steps (0: never)
 */
public record GenerationRequest(List<String> prompts, String negativePrompt, int width, int height, int steps,
                                double guidance, SamplerChoice sampler, Long seed, Tensor initNoise, int previewEvery) {

    public GenerationRequest {
        prompts = List.copyOf(prompts);
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        if (prompts.isEmpty()) throw new IllegalArgumentException("no prompt given");
        if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        if (!(guidance >= 0) || Double.isInfinite(guidance)) {
            throw new IllegalArgumentException("--guidance must be a finite number >= 0, got " + guidance);
        }
        if (previewEvery < 0) throw new IllegalArgumentException("--preview-every must be >= 0, got " + previewEvery);
        if (seed == null && initNoise == null) throw new IllegalArgumentException("a seed or initial noise is needed");
        if (seed == null && sampler == SamplerChoice.IDDPM) {
            throw new IllegalArgumentException("the iddpm sampler draws fresh noise every step: it needs a seed");
        }
        if (sampler == SamplerChoice.DPM_SOLVER && steps < 2) {
            throw new IllegalArgumentException("--steps must be at least 2 for dpm-solver (multistep order 2), got " + steps);
        }
    }

    public int batch() {
        return prompts.size();
    }

    /** Checks the image size against the denoiser: positive multiples of {@code multiple} pixels. */
    void checkSize(int multiple) {
        for (String[] d : new String[][] {{"--width", Integer.toString(width)}, {"--height", Integer.toString(height)}}) {
            int v = Integer.parseInt(d[1]);
            if (v <= 0 || v % multiple != 0) {
                int lo = Math.max(multiple, v / multiple * multiple);
                throw new IllegalArgumentException(d[0] + " " + v + " must be a positive multiple of " + multiple
                        + " (VAE factor 8 x patch size); try " + lo + (lo + multiple != lo ? " or " + (lo + multiple) : ""));
            }
        }
    }

    /** The initial-noise shape this request implies. */
    int[] latentShape(int channels) {
        return new int[] {batch(), channels, height / 8, width / 8};
    }

    /** Checks {@code initNoise} against the latent shape, naming both. */
    void checkNoise(int channels) {
        if (initNoise == null) return;
        int[] want = latentShape(channels);
        if (!Arrays.equals(want, initNoise.shape())) {
            throw new IllegalArgumentException("initial noise tensor 'noise' has shape " + Arrays.toString(initNoise.shape())
                    + ", expected " + Arrays.toString(want) + " for batch " + batch() + " at " + width + "x" + height);
        }
    }
}
