package org.dimba4j.train.run;

import org.dimba4j.io.FileTrees;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaInit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * {@code RUN/init/transformer/}: the starting weights of a run made with {@code --init random}, the official
 * initialisation ({@link DimbaInit}) of the model folder's {@code transformer/config.json}, drawn from the run's seed.
 * Kept in the run (not recomputed) so that a run resumed before its first checkpoint starts from the same weights, and
 * so that what a run started from can be inspected like any transformer folder. Written aside and renamed.
 */
public final class InitialWeights {
    public static final String FOLDER = "init";

    private InitialWeights() {}

    /** The transformer folder a run starts from, when it was made with {@code --init random}. */
    public static Optional<Path> find(Path runDir) {
        Path t = runDir.resolve(FOLDER).resolve("transformer");
        return Files.isRegularFile(t.resolve("model.safetensors")) ? Optional.of(t) : Optional.empty();
    }

    /**
     * Writes {@code RUN/init/transformer/} (config.json copied, model.safetensors initialised from {@code seed});
     * refuses a folder that already holds a run. Returns the transformer folder.
     */
    public static Path write(Path runDir, Path transformerConfig, long seed) {
        if (Files.exists(runDir.resolve(RunSettings.FILE))) {
            throw new IllegalArgumentException(runDir + " already holds a training run; continue it with --resume " + runDir);
        }
        DimbaConfig config = DimbaConfig.load(transformerConfig);
        Path aside = runDir.resolve(FOLDER + ".tmp"), target = runDir.resolve(FOLDER);
        try {
            FileTrees.delete(aside);
            Path t = Files.createDirectories(aside.resolve("transformer"));
            Files.copy(transformerConfig, t.resolve("config.json"));
            SafetensorsWriter.write(t.resolve("model.safetensors"), DimbaInit.initialise(config, seed),
                    Map.of("dimba4j.init", "official initialisation (DimbaInit), seed " + seed));
            FileTrees.delete(target); // an earlier start that died before train.json: same config and seed, same weights
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the initial weights in " + target + ": " + e.getMessage(), e);
        }
        return target.resolve("transformer");
    }
}
