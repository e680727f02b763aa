package org.dimba4j.train.optim;

/**
 * The learning rate of each optimizer step, as the official Dimba builds it (diffusion/utils/lr_scheduler.py over
 * diffusers' schedules wrapped in a torch {@code LambdaLR}): optimizer step k (0-based; the scheduler is stepped after
 * each optimizer step, so step 0 uses lambda(0)) runs at {@code baseLr * lambda(k)}, with
 * <pre>
 *   constant (the official config, num_warmup_steps 1000):  k / max(1, W) while k &lt; W, then 1
 *   cosine:  k / max(1, W) while k &lt; W, then max(0, (1 + cos(pi * 2 * 0.5 * progress)) / 2),
 *            progress = (k - W) / max(1, T - W)
 * </pre>
 * so the first step of a warm-up runs at lr 0, as it does officially.
 */
public record LearningRateSchedule(Kind kind, double baseLr, int warmupSteps, int trainingSteps) {
    public enum Kind { CONSTANT, COSINE }

    /** The official default warm-up ({@code lr_schedule_args = dict(num_warmup_steps=1000)}). */
    public static final int OFFICIAL_WARMUP_STEPS = 1000;

    public LearningRateSchedule {
        if (kind == null) throw new IllegalArgumentException("learning-rate schedule: kind is null");
        if (!(baseLr >= 0) || Double.isInfinite(baseLr)) throw new IllegalArgumentException("learning rate " + baseLr);
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        if (kind == Kind.COSINE && trainingSteps <= 0) {
            throw new IllegalArgumentException("a cosine schedule needs the number of training steps, got " + trainingSteps);
        }
    }

    /** diffusers' {@code get_constant_schedule_with_warmup}. */
    public static LearningRateSchedule constant(double baseLr, int warmupSteps) {
        return new LearningRateSchedule(Kind.CONSTANT, baseLr, warmupSteps, 0);
    }

    /** diffusers' {@code get_cosine_schedule_with_warmup} with num_cycles 0.5 (one half cosine down to 0). */
    public static LearningRateSchedule cosine(double baseLr, int warmupSteps, int trainingSteps) {
        return new LearningRateSchedule(Kind.COSINE, baseLr, warmupSteps, trainingSteps);
    }

    /** The learning rate of optimizer step {@code step} (0-based). */
    public double lr(long step) {
        if (step < 0) throw new IllegalArgumentException("optimizer step " + step + " is negative");
        return baseLr * factor(step);
    }

    /** The LambdaLR factor of step {@code step}. */
    public double factor(long step) {
        if (step < warmupSteps) return (double) step / Math.max(1, warmupSteps);
        if (kind == Kind.CONSTANT) return 1.0;
        double progress = (double) (step - warmupSteps) / Math.max(1, trainingSteps - warmupSteps);
        return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * 0.5 * 2.0 * progress)));
    }
}
