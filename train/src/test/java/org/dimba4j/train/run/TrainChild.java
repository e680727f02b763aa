package org.dimba4j.train.run;

import java.nio.file.Path;

/**
 * The training loop in a JVM of its own, for {@link TrainingRunKillTest}: {@code TrainChild RUN STEPS start|resume}
 * trains the {@link RunFixtures} run; the parent kills it.
 */
public final class TrainChild {
    private TrainChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        RunSettings s = RunFixtures.settings(Integer.parseInt(args[1]));
        TrainingRun run = RunFixtures.run(s, dir, new java.io.PrintWriter(System.err, true));
        if (args[2].equals("start")) run.start();
        else run.resume();
    }
}
