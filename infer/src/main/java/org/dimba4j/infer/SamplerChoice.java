package org.dimba4j.infer;

import org.dimba4j.model.diffusion.BetaSchedule;
import org.dimba4j.model.diffusion.Ddim;
import org.dimba4j.model.diffusion.DpmSolver;
import org.dimba4j.model.diffusion.Iddpm;
import org.dimba4j.model.diffusion.NoiseScheduleVP;
import org.dimba4j.model.diffusion.Sampler;
import org.dimba4j.model.random.TorchGenerator;

import java.util.Locale;

/**
 * The samplers of {@code dimba generate --sampler}, configured as the official scripts/inference.py: the
 * linear DDPM schedule with 1000 steps; DPM-Solver++ multistep order 2, time-uniform, lower order at the
 * end; IDDPM respaced to the step count with the learned variance; DDIM (eta 0) with the DDIM paper's stride.
 */
public enum SamplerChoice {
    DPM_SOLVER("dpm-solver"), DDIM("ddim"), IDDPM("iddpm");

    /** The official training schedule. */
    public static final int TRAIN_STEPS = 1000;

    private final String cliName;

    SamplerChoice(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static SamplerChoice parse(String s) {
        for (SamplerChoice c : values()) {
            if (c.cliName.equals(s.toLowerCase(Locale.ROOT))) return c;
        }
        throw new IllegalArgumentException("unknown sampler '" + s + "' (expected dpm-solver, ddim or iddpm)");
    }

    /** The guidance wrapper this sampler's official script uses. */
    public ClassifierFreeGuidance.Form guidanceForm() {
        return this == IDDPM ? ClassifierFreeGuidance.Form.IDDPM : ClassifierFreeGuidance.Form.DPM_SOLVER;
    }

    /**
     * @param generator the generator the initial noise came from; IDDPM keeps drawing its per-step noise from it
     *                  (2B latents' worth per step, as the official batched [cond; uncond] run does)
     */
    public Sampler create(int steps, TorchGenerator generator) {
        double[] betas = BetaSchedule.linear(TRAIN_STEPS);
        return switch (this) {
            case DPM_SOLVER -> DpmSolver.official(NoiseScheduleVP.discrete(betas), steps);
            case DDIM -> new Ddim(betas, steps, 0.0, null);
            case IDDPM -> new Iddpm(betas, steps, generator, 2);
        };
    }
}
