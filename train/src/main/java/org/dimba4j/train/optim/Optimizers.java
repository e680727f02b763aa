package org.dimba4j.train.optim;

import org.dimba4j.kernels.Backend;

import java.util.Locale;

/** The one place an optimizer is chosen by name ({@code came} or {@code adamw}, as in train.json and the CLI). */
public final class Optimizers {
    private Optimizers() {}

    /** An optimizer over host tensors. */
    public static Optimizer create(String name, OptimizerSettings settings) {
        return create(name, settings, null);
    }

    /** An optimizer over tensors of {@code be} (downloaded and uploaded once per step when not on the host). */
    public static Optimizer create(String name, OptimizerSettings settings, Backend be) {
        OptimizerSettings s = settings == null ? OptimizerSettings.defaults() : settings;
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case Came.NAME -> Came.of(be, s);
            case AdamW.NAME -> AdamW.of(be, s);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected came or adamw)");
        };
    }
}
