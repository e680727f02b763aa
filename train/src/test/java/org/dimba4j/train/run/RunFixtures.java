package org.dimba4j.train.run;

import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.train.optim.OptimizerSettings;
import org.dimba4j.train.optim.Optimizers;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The runs the tests make: models/tiny-reference trained on {@link SeededLatentData} with AdamW on the CPU. */
final class RunFixtures {
    static final Path TINY = Path.of("../models/tiny-reference").toAbsolutePath().normalize();
    static final long DATA_SEED = 11;
    static final int DATA_SIZE = 5; // not a multiple of the batch: batches straddle epochs

    private RunFixtures() {}

    /** 8 steps of batch 2, a checkpoint every 2, caption dropout 0.3 so that some steps use the null caption. */
    static RunSettings settings(int steps) {
        return settings(steps, "adamw");
    }

    static RunSettings settings(int steps, String optimizer) {
        return RunSettings.builder().model(TINY.toString()).data("seeded:" + DATA_SEED + "x" + DATA_SIZE).steps(steps)
                .batch(2).lr(2e-3).warmupSteps(2).weightDecay(0.01).maxGradNorm(1.0).captionDropout(0.3).seed(1234)
                .saveEvery(2).optimizer(optimizer).device("cpu").build();
    }

    /**
     * Writes {@link #settings(int) settings(1)} into {@code dir} as a dimba4j release before the given keys existed
     * wrote them: every {@code train.json} line whose key matches {@code keyPattern} is dropped.
     */
    static void writeOlderTrainJson(Path dir, String keyPattern) throws IOException {
        settings(1).write(dir);
        Path file = dir.resolve(RunSettings.FILE);
        String json = Files.readString(file);
        Files.writeString(file, json.replaceAll("(?m)^\\s*\"(" + keyPattern + ")\" : [^,\\n]*,?\\n", ""));
    }

    static TrainingRun run(RunSettings s, Path dir, PrintWriter err) {
        CpuBackend be = new CpuBackend();
        return new TrainingRun(s, dir, SeededLatentData.tiny(DATA_SEED, DATA_SIZE), Optimizers.create(s.optimizer(), OptimizerSettings.defaults().withWeightDecay(s.weightDecay()), be), be, err);
    }

    static PrintWriter quiet() {
        return new PrintWriter(java.io.Writer.nullWriter());
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] weights(Path checkpoint) {
        return bytes(checkpoint.resolve("transformer/model.safetensors"));
    }

    static byte[] optimizer(Path checkpoint) {
        return bytes(checkpoint.resolve("trainer/optimizer.safetensors"));
    }
}
