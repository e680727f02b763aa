package org.dimba4j.train.objective;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CaptionDropout: the rate, the determinism in (seed, step), and exactly the dropped samples replaced. */
class CaptionDropoutTest {
    @Test
    void dropsAtTheConfiguredRateDeterministicallyPerSeedAndStep() {
        CaptionDropout d = new CaptionDropout(CaptionDropout.DIMBA_PROBABILITY, 42);
        int dropped = 0, n = 0;
        for (long step = 0; step < 1000; step++) {
            for (boolean b : d.drops(step, 20)) {
                dropped += b ? 1 : 0;
                n++;
            }
        }
        // 20000 Bernoulli(0.1) draws: sd 0.0021; 4 sd either side
        double rate = (double) dropped / n;
        assertTrue(Math.abs(rate - 0.1) < 0.0085, "drop rate " + rate);
        assertArrayEquals(d.drops(7, 64), new CaptionDropout(0.1, 42).drops(7, 64), "same seed and step, same draws");
        assertFalse(Arrays.equals(d.drops(7, 64), d.drops(8, 64)), "another step, other draws");
        assertFalse(Arrays.equals(d.drops(7, 64), new CaptionDropout(0.1, 43).drops(7, 64)), "another seed, other draws");
        boolean[] none = new CaptionDropout(0, 1).drops(3, 100), all = new CaptionDropout(1, 1).drops(3, 100);
        for (int i = 0; i < 100; i++) {
            assertFalse(none[i]);
            assertTrue(all[i]);
        }
    }

    @Test
    void replacesExactlyTheDroppedSamplesByTheNullCaption() {
        int b = 3, l = 4, c = 5;
        float[] y = new float[b * l * c], nul = new float[l * c];
        for (int i = 0; i < y.length; i++) y[i] = i + 0.5f;
        for (int i = 0; i < nul.length; i++) nul[i] = -i - 1;
        Tensor yt = Tensor.of(y, b, 1, l, c), embedding = Tensor.of(nul, l, c);
        CaptionDropout d = new CaptionDropout(0.1, 0);
        float[] out = d.apply(yt, embedding, new boolean[] {false, true, false}).toFloatArray();
        for (int s = 0; s < b; s++) {
            for (int k = 0; k < l * c; k++) {
                assertEquals(s == 1 ? nul[k] : y[s * l * c + k], out[s * l * c + k], "sample " + s + " element " + k);
            }
        }
        assertEquals(0.5f, y[0], "y itself is not modified");
        assertSame(yt, d.apply(yt, embedding, new boolean[b]), "nothing dropped: y unchanged");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.apply(yt, Tensor.zeros(l + 1, c), new boolean[b]));
        assertTrue(e.getMessage().contains("y_embedding"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CaptionDropout(1.5, 0));
    }
}
