package org.dimba4j.train.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Gradient checkpointing is a memory choice, not a setting of the run: a run with it ends with the same weight,
 * optimizer and loss-log bytes as one without, and a run resumed with it equals one that never used it.
 */
class GradCheckpointingRunTest {
    private static final int STEPS = 4;

    @Test
    void checkpointedRunEndsWithTheSameBytes(@TempDir Path tmp) {
        Path plain = tmp.resolve("plain"), ckpt = tmp.resolve("ckpt"), mixed = tmp.resolve("mixed");
        RunFixtures.run(RunFixtures.settings(STEPS), plain, RunFixtures.quiet()).start();
        RunFixtures.run(RunFixtures.settings(STEPS), ckpt, RunFixtures.quiet()).withGradCheckpointing(true).start();
        RunFixtures.run(RunFixtures.settings(2), mixed, RunFixtures.quiet()).start();
        RunFixtures.run(RunFixtures.settings(STEPS), mixed, RunFixtures.quiet()).withGradCheckpointing(true).resume();

        Path last = Path.of("checkpoints/step-" + STEPS);
        for (Path other : new Path[] {ckpt, mixed}) {
            assertArrayEquals(RunFixtures.weights(plain.resolve(last)), RunFixtures.weights(other.resolve(last)), "weights of " + other);
            assertArrayEquals(RunFixtures.optimizer(plain.resolve(last)), RunFixtures.optimizer(other.resolve(last)),
                    "optimizer state of " + other);
            assertArrayEquals(RunFixtures.bytes(plain.resolve("loss.csv")), RunFixtures.bytes(other.resolve("loss.csv")),
                    "loss log of " + other);
        }
    }
}
