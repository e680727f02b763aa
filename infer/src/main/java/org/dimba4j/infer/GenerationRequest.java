package org.dimba4j.infer;

import org.dimba4j.kernels.Tensor;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One {@code generate} call, validated when built: every check that needs no model runs here and throws an
 * {@link InvalidRequestException} naming the field; the model-dependent ones (size multiple, limits, memory) run in
 * {@link DimbaPipeline#check} before the request is queued. Build one with {@link #builder(String)}.
 *
 * @param prompts        one prompt per image (the CLI repeats its prompt {@code --batch} times)
 * @param negativePrompt the unconditional text; empty means the official null caption T5("")
 * @param width          image width in pixels (a multiple of 8 x patch size); 0: the model's training size (or
 *                       the size of {@code initNoise})
 * @param height         image height in pixels; 0 as for width
 * @param steps          sampler steps, 1..1000 (dpm-solver: at least 2)
 * @param guidance       classifier-free guidance scale, finite and >= 0 (exactly 1: conditional pass only)
 * @param seed           seeds the torch-compatible generator (initial noise, IDDPM's per-step noise); required
 *                       unless {@code initNoise} is given (the builder draws one when none is set)
 * @param initNoise      the initial latents [B, C, h, w] instead of seeded noise, or null
 * @param previewEvery   decode the current x0 estimate every this many steps (0: never)
 */
public record GenerationRequest(List<String> prompts, String negativePrompt, int width, int height, int steps,
                                double guidance, SamplerChoice sampler, Long seed, Tensor initNoise, int previewEvery) {

    /** The training schedule's length: more sampler steps than this would repeat timesteps. */
    public static final int MAX_STEPS = SamplerChoice.TRAIN_STEPS;

    public GenerationRequest {
        if (prompts == null || prompts.isEmpty()) throw new InvalidRequestException("prompt", "is missing");
        for (String p : prompts) if (p == null) throw new InvalidRequestException("prompt", "is null");
        prompts = List.copyOf(prompts);
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        if (width < 0) throw new InvalidRequestException("width", width + " must be positive (0: the model's size)");
        if (height < 0) throw new InvalidRequestException("height", height + " must be positive (0: the model's size)");
        if (sampler == null) throw new InvalidRequestException("sampler", "is missing (dpm-solver, ddim or iddpm)");
        if (steps < 1 || steps > MAX_STEPS) {
            throw new InvalidRequestException("steps", steps + " must be between 1 and " + MAX_STEPS);
        }
        if (sampler == SamplerChoice.DPM_SOLVER && steps < 2) {
            throw new InvalidRequestException("steps", steps + " must be at least 2 for dpm-solver (multistep order 2)");
        }
        if (!(guidance >= 0) || Double.isInfinite(guidance)) {
            throw new InvalidRequestException("guidance", guidance + " must be a finite number >= 0");
        }
        if (previewEvery < 0) throw new InvalidRequestException("previewEvery", previewEvery + " must be >= 0");
        if (seed == null && initNoise == null) throw new InvalidRequestException("seed", "is missing (or give initNoise)");
        if (seed == null && sampler == SamplerChoice.IDDPM) {
            throw new InvalidRequestException("seed", "is missing: the iddpm sampler draws fresh noise every step");
        }
        if (seed != null && initNoise != null && sampler != SamplerChoice.IDDPM) {
            // only the ancestral sampler draws noise after the start; otherwise the seed would be silently unused
            throw new InvalidRequestException("seed", seed + " and initNoise exclude each other with sampler "
                    + sampler.cliName() + " (only iddpm draws noise after the start)");
        }
        if (initNoise != null && initNoise.rank() != 4) {
            throw new InvalidRequestException("initNoise", "must be [B, C, h, w], got " + Arrays.toString(initNoise.shape()));
        }
    }

    public static Builder builder(String prompt) {
        return new Builder().prompt(prompt);
    }

    public int batch() {
        return prompts.size();
    }

    /** This request with width and height set. */
    public GenerationRequest withSize(int w, int h) {
        return new GenerationRequest(prompts, negativePrompt, w, h, steps, guidance, sampler, seed, initNoise, previewEvery);
    }

    /**
     * Width and height 0 replaced: by the size of {@code initNoise} (latents times the VAE's {@code factor}), else by
     * {@code defaultSize}.
     */
    GenerationRequest resolveSize(int defaultSize, int factor) {
        int w = width != 0 ? width : initNoise != null ? initNoise.dim(3) * factor : defaultSize;
        int h = height != 0 ? height : initNoise != null ? initNoise.dim(2) * factor : defaultSize;
        return w == width && h == height ? this : withSize(w, h);
    }

    /** Checks the image size against the denoiser: positive multiples of {@code multiple} pixels (VAE factor x patch). */
    void checkSize(int multiple) {
        checkSide("width", width, multiple);
        checkSide("height", height, multiple);
    }

    private static void checkSide(String field, int v, int multiple) {
        if (v <= 0 || v % multiple != 0) {
            int lo = Math.max(multiple, v / multiple * multiple);
            throw new InvalidRequestException(field, v + " must be a positive multiple of " + multiple
                    + " (the VAE's downsampling factor x the patch size); try " + lo + " or " + (lo + multiple));
        }
    }

    /** The initial-noise shape this request implies for a VAE that downsamples by {@code factor}. */
    int[] latentShape(int channels, int factor) {
        return new int[] {batch(), channels, height / factor, width / factor};
    }

    /** Checks {@code initNoise} against the latent shape, naming both. */
    void checkNoise(int channels, int factor) {
        if (initNoise == null) return;
        int[] want = latentShape(channels, factor);
        if (!Arrays.equals(want, initNoise.shape())) {
            throw new InvalidRequestException("initNoise", "has shape " + Arrays.toString(initNoise.shape())
                    + ", expected " + Arrays.toString(want) + " for batch " + batch() + " at " + width + "x" + height);
        }
    }

    /** A request by name; defaults: batch 1, the model's size, 20 steps, guidance 4.5, dpm-solver, a random seed. */
    public static final class Builder {
        private List<String> prompts = List.of();
        private int batch = 1;
        private String negativePrompt = "";
        private int width;
        private int height;
        private int steps = 20;
        private double guidance = 4.5;
        private SamplerChoice sampler = SamplerChoice.DPM_SOLVER;
        private Long seed;
        private Tensor initNoise;
        private int previewEvery;

        private Builder() {}

        /** One prompt, drawn {@link #batch} times. */
        public Builder prompt(String prompt) {
            this.prompts = prompt == null ? List.of() : List.of(prompt);
            return this;
        }

        /** One image per prompt (overrides {@link #prompt} and {@link #batch}). */
        public Builder prompts(List<String> prompts) {
            this.prompts = new ArrayList<>(prompts);
            this.batch = 1;
            return this;
        }

        /** Images of the single prompt, drawn from one noise tensor [batch, 4, h, w] as the CLI's --batch. */
        public Builder batch(int batch) {
            if (batch < 1) throw new InvalidRequestException("batch", batch + " must be at least 1");
            this.batch = batch;
            return this;
        }

        public Builder negativePrompt(String negativePrompt) {
            this.negativePrompt = negativePrompt;
            return this;
        }

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder width(int width) {
            this.width = width;
            return this;
        }

        public Builder height(int height) {
            this.height = height;
            return this;
        }

        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder guidance(double guidance) {
            this.guidance = guidance;
            return this;
        }

        public Builder sampler(SamplerChoice sampler) {
            this.sampler = sampler;
            return this;
        }

        /** "dpm-solver", "ddim" or "iddpm". */
        public Builder sampler(String name) {
            try {
                this.sampler = SamplerChoice.parse(name);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("sampler", "'" + name + "' is unknown (expected dpm-solver, ddim or iddpm)");
            }
            return this;
        }

        /** null: a random one (reported in the result), unless initNoise is given. */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder seed(long seed) {
            return seed(Long.valueOf(seed));
        }

        public Builder initNoise(Tensor initNoise) {
            this.initNoise = initNoise;
            return this;
        }

        public Builder previewEvery(int previewEvery) {
            this.previewEvery = previewEvery;
            return this;
        }

        public GenerationRequest build() {
            List<String> ps = prompts.size() == 1 && batch > 1 ? new ArrayList<>(Collections.nCopies(batch, prompts.get(0))) : prompts;
            Long s = seed;
            if (s == null && (initNoise == null || sampler == SamplerChoice.IDDPM)) s = randomSeed();
            return new GenerationRequest(ps, negativePrompt, width, height, steps, guidance, sampler, s, initNoise, previewEvery);
        }
    }

    /** A seed as the CLI draws one: 32 bits, so it fits every tool that takes torch seeds. */
    public static long randomSeed() {
        return new SecureRandom().nextLong() & 0xffffffffL;
    }
}
