package org.dimba4j.train.run;

import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.train.optim.Optimizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --stage quality-tune}: evals on held-out data, the best weights in RUN/best/, early stop, exact resume. */
class QualityTuneTest {
    static final int STEPS = 10, PATIENCE = 2;

    static RunSettings tune(int steps, double lr) {
        RunSettings s = RunFixtures.settings(steps);
        return s.toBuilder().lr(lr).warmupSteps(0).saveEvery(1).stage("quality-tune").evalEvery(1)
                .evalData("seeded:77x3").patience(PATIENCE).build();
    }

    static Path run(RunSettings s, Path dir, boolean resume) {
        CpuBackend be = new CpuBackend();
        TrainingRun r = new TrainingRun(s, dir, SeededLatentData.tiny(RunFixtures.DATA_SEED, RunFixtures.DATA_SIZE),
                Optimizers.create(s.optimizer(), s.optimizerSettings(), be), be, RunFixtures.quiet())
                .withEvalData(SeededLatentData.tiny(77, 3));
        return resume ? r.resume() : r.start();
    }

    static List<double[]> evals(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve(EvalLog.FILE)).stream().skip(1)
                .map(l -> new double[] {Double.parseDouble(l.split(",")[0]), Double.parseDouble(l.split(",")[1])}).toList();
    }

    @Test
    void stopsEarlyKeepsTheArgminAndResumesBitForBit(@TempDir Path tmp) throws Exception {
        double lr = 0.05; // far too large: the eval loss soon rises
        Path straight = tmp.resolve("straight");
        Path last = run(tune(STEPS, lr), straight, false);
        List<double[]> e = evals(straight);
        System.err.println("evals: " + e.stream().map(r -> (int) r[0] + ":" + r[1]).toList());
        // the expected stop: the first eval that is the PATIENCE-th in a row above the best so far
        double best = Double.POSITIVE_INFINITY;
        int bestStep = 0, since = 0, stop = STEPS;
        for (double[] r : e) {
            if (r[1] < best) { best = r[1]; bestStep = (int) r[0]; since = 0; } else since++;
            if (since >= PATIENCE) { stop = (int) r[0]; break; }
        }
        assertTrue(stop < STEPS, "the eval loss must stop improving at lr " + lr + ": " + e.size() + " evals");
        assertEquals(stop, e.size(), "one eval per step, none after the stop");
        assertEquals(straight.resolve("checkpoints/step-" + stop), last);
        assertEquals(bestStep, (int) e.stream().min((a, b) -> Double.compare(a[1], b[1])).orElseThrow()[0]);
        assertArrayEquals(RunFixtures.weights(straight.resolve("checkpoints/step-" + bestStep)),
                RunFixtures.weights(straight.resolve("best")), "best/ holds the weights of the argmin of eval.csv");
        String evalJson = Files.readString(straight.resolve("best/eval.json"));
        assertTrue(evalJson.contains("\"step\": " + bestStep), evalJson);

        Path resumed = tmp.resolve("resumed");
        run(tune(2, lr), resumed, false);
        Path resumedLast = run(tune(STEPS, lr), resumed, true);
        assertEquals(resumed.resolve("checkpoints/step-" + stop), resumedLast);
        assertEquals(Files.readString(straight.resolve(EvalLog.FILE)), Files.readString(resumed.resolve(EvalLog.FILE)));
        assertArrayEquals(RunFixtures.weights(straight.resolve("best")), RunFixtures.weights(resumed.resolve("best")));
        assertArrayEquals(RunFixtures.weights(last), RunFixtures.weights(resumedLast));
        assertArrayEquals(RunFixtures.bytes(last.resolve("trainer/state.json")),
                RunFixtures.bytes(resumedLast.resolve("trainer/state.json")));
    }
}
