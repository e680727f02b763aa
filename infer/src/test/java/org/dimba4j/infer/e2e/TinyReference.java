package org.dimba4j.infer.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the committed tiny reference pipeline and its recorded outputs (tools/fixtures/official). */
public final class TinyReference {
    private TinyReference() {}

    /** The repository root: the nearest ancestor of the working directory holding {@code models/tiny-reference}. */
    public static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("models/tiny-reference"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("models/tiny-reference not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** The tiny pipeline folder (model-folder layout). */
    public static Path model() {
        return repo().resolve("models/tiny-reference");
    }

    /** The transformer with mamba_ratio 0.5 and pe_interpolation 2 (a folder holding transformer/). */
    public static Path variant() {
        return repo().resolve("models/tiny-reference-variants/mamba-ratio-0.5");
    }

    /** The tiny transformer as the official torch file ({'state_dict': ...}). */
    public static Path officialPt() {
        return repo().resolve("models/tiny-reference-official/tiny.pt");
    }

    /** A recorded fixture, e.g. {@code transformer.inputs.safetensors}. */
    public static Path fixture(String name) {
        return repo().resolve("infer/src/test/resources/fixtures/e2e").resolve(name);
    }
}
