package org.dimba4j.infer;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the default model folder lives: {@code $DIMBA_HOME/models/shapes-64}, the bundled model trained by dimba4j (the launcher exports
 * DIMBA_HOME), else next to the installed jars (infer/target/../../models), else ./models.
 */
public final class ModelHome {
    public static final String DEFAULT_MODEL = "models/shapes-64";

    private ModelHome() {}

    public static Path defaultModel() {
        String home = System.getenv("DIMBA_HOME");
        if (home != null && !home.isBlank()) return Path.of(home).resolve(DEFAULT_MODEL);
        Path fromJar = fromCodeSource();
        if (fromJar != null && Files.isDirectory(fromJar)) return fromJar;
        return Path.of(DEFAULT_MODEL);
    }

    private static Path fromCodeSource() {
        try {
            var src = ModelHome.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            Path p = Path.of(src.getLocation().toURI()); // .../infer/target/<jar> or .../infer/target/classes
            for (Path dir = p; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(DEFAULT_MODEL);
                if (Files.isDirectory(candidate)) return candidate;
            }
            return null;
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
