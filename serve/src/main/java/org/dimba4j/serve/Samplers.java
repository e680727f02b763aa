package org.dimba4j.serve;

import org.dimba4j.infer.SamplerChoice;

import java.util.List;
import java.util.Locale;

/** The samplers by the CLI's names, and the names A1111 clients use for the same algorithms. */
final class Samplers {
    /** One sampler as GET /sdapi/v1/samplers lists it. */
    record Entry(SamplerChoice choice, List<String> aliases) {
        String name() {
            return choice.cliName();
        }
    }

    static final List<Entry> ALL = List.of(
            new Entry(SamplerChoice.DPM_SOLVER, List.of("DPM++ 2M", "dpmsolver++", "dpm_solver")),
            new Entry(SamplerChoice.DDIM, List.of("DDIM")),
            new Entry(SamplerChoice.IDDPM, List.of("IDDPM", "DDPM")));

    private Samplers() {}

    static SamplerChoice parse(String field, String name) {
        if (name == null) return SamplerChoice.DPM_SOLVER;
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (Entry e : ALL) {
            if (e.name().equals(n)) return e.choice();
            for (String a : e.aliases()) if (a.toLowerCase(Locale.ROOT).equals(n)) return e.choice();
        }
        throw new BadRequestException(field, "unknown " + field + " '" + name + "' (expected dpm-solver, ddim or iddpm;"
                + " A1111 names: DPM++ 2M, DDIM, IDDPM)");
    }
}
