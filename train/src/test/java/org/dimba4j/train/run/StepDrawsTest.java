package org.dimba4j.train.run;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-step draws: pure functions of (seed, step), with the right ranges and rates. */
class StepDrawsTest {
    static final int[] LATENT = {4, 8, 8};

    @Test
    void drawsArePureFunctionsOfSeedAndStep() {
        StepDraws a = StepDraws.of(7, 41, 3, LATENT, 1000), b = StepDraws.of(7, 41, 3, LATENT, 1000);
        assertArrayEquals(a.timesteps(), b.timesteps());
        assertArrayEquals(a.noise().toFloatArray(), b.noise().toFloatArray());
        assertArrayEquals(a.posteriorNoise().toFloatArray(), b.posteriorNoise().toFloatArray());
        assertArrayEquals(new int[] {3, 4, 8, 8}, a.noise().shape());
        StepDraws next = StepDraws.of(7, 42, 3, LATENT, 1000), otherSeed = StepDraws.of(8, 41, 3, LATENT, 1000);
        assertFalse(Arrays.equals(a.noise().toFloatArray(), next.noise().toFloatArray()));
        assertFalse(Arrays.equals(a.noise().toFloatArray(), otherSeed.noise().toFloatArray()));
        assertFalse(Arrays.equals(a.noise().toFloatArray(), a.posteriorNoise().toFloatArray()));
    }

    @Test
    void timestepsCoverTheRangeAndNoiseIsStandardNormal() {
        int[] hist = new int[10];
        int n = 0;
        double sum = 0, sumSq = 0;
        for (int step = 0; step < 2000; step++) {
            StepDraws d = StepDraws.of(3, step, 4, LATENT, 1000);
            for (int t : d.timesteps()) {
                assertTrue(t >= 0 && t < 1000, "timestep " + t);
                hist[t / 100]++;
            }
            for (float v : d.noise().toFloatArray()) {
                sum += v;
                sumSq += v * v;
                n++;
            }
        }
        for (int h : hist) assertEquals(800, h, 120, "timesteps per tenth of 0..999: " + Arrays.toString(hist));
        assertEquals(0, sum / n, 0.01, "noise mean");
        assertEquals(1, sumSq / n, 0.01, "noise variance");
    }
}
