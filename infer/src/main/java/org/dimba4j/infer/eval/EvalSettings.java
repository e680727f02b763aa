package org.dimba4j.infer.eval;

import org.dimba4j.infer.SamplerChoice;

/**
 * How an evaluation samples.
 *
 * @param seeds    images per prompt
 * @param baseSeed image k of a prompt uses seed baseSeed + k (torch-compatible noise, as {@code dimba generate --seed})
 * @param size     image side in pixels
 */
public record EvalSettings(SamplerChoice sampler, int steps, double guidance, int seeds, long baseSeed, int size) {
    public EvalSettings {
        if (seeds < 1) throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
        if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        if (!(guidance >= 0) || Double.isInfinite(guidance)) throw new IllegalArgumentException("--guidance must be a finite number >= 0, got " + guidance);
        if (size < 64) throw new IllegalArgumentException("image size must be at least 64 (the detector's floor, as for dataset renders), got " + size);
    }
}
