package org.dimba4j.train.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --snr-gamma}: stored in train.json, changes the updates, resumes bit for bit; older runs read as off. */
class SnrWeightingRunTest {
    private static RunSettings weighted(int steps) {
        return RunFixtures.settings(steps).toBuilder().snrGamma(5).snrFloor(0.05).build();
    }

    @Test
    void weightedRunDiffersFromTheOfficialOneAndResumesBitForBit(@TempDir Path tmp) throws Exception {
        // the premise: an update that counts (lr > 0 after the warm-up's first step) draws a nearly clean timestep
        var weighting = org.dimba4j.train.objective.SnrWeighting.minSnr(5);
        var diffusion = org.dimba4j.model.diffusion.GaussianDiffusion.of(org.dimba4j.model.diffusion.BetaSchedule.linear(1000));
        int steps = 0;
        for (int step = 1; step < 16 && steps == 0; step++) {
            for (int t : StepDraws.of(1234, step, 2, new int[] {4, 4, 4}, 1000).timesteps()) {
                if (weighting.weight(diffusion, t) < 1) steps = step + 1;
            }
        }
        assertTrue(steps > 0, "one of the first 16 updates draws a timestep with SNR above 5");
        Path official = tmp.resolve("official"), straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        String last = "checkpoints/step-" + steps;
        RunFixtures.run(RunFixtures.settings(steps), official, RunFixtures.quiet()).start();
        RunFixtures.run(weighted(steps), straight, RunFixtures.quiet()).start();
        assertEquals(weighted(steps), RunSettings.read(straight));
        assertEquals(5.0, RunSettings.read(straight).snrGamma());
        assertEquals(0.05, RunSettings.read(straight).snrFloor());
        assertFalse(Arrays.equals(RunFixtures.weights(official.resolve(last)),
                RunFixtures.weights(straight.resolve(last))), "the weighting changes the updates");

        RunFixtures.run(weighted(steps - 1), resumed, RunFixtures.quiet()).start();
        RunFixtures.run(weighted(steps), resumed, RunFixtures.quiet()).resume();
        assertArrayEquals(RunFixtures.weights(straight.resolve(last)), RunFixtures.weights(resumed.resolve(last)),
                "resumed from train.json's snrGamma");
    }

    @Test
    void oldTrainJsonReadsAsUnweightedAndBadGammaIsRefused(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        RunFixtures.writeOlderTrainJson(run, "snrGamma|snrFloor");
        assertFalse(Files.readString(run.resolve(RunSettings.FILE)).contains("snr"));
        assertEquals(0.0, RunSettings.read(run).snrGamma());
        assertEquals(0.0, RunSettings.read(run).snrFloor());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunFixtures.settings(1).toBuilder().snrGamma(-5).build());
        assertTrue(e.getMessage().contains("gamma") && e.getMessage().contains("-5"), e.getMessage());
    }
}
