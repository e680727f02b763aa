package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class CaptionTokensTest {
    private final Backend be = Backends.cpu();

    /** y[b, 0, j, c] = 10 b + j + c / 10, so a kept row tells where it came from. */
    private static Tensor caption(int b, int len, int channels) {
        float[] v = new float[b * len * channels];
        for (int i = 0; i < b; i++) for (int j = 0; j < len; j++) for (int c = 0; c < channels; c++) {
            v[(i * len + j) * channels + c] = 10 * i + j + c / 10f;
        }
        return Tensor.of(v, b, 1, len, channels);
    }

    @Test
    void keepsTheValidTokensInOrderAndMasksTheRest() {
        Tensor mask = Tensor.of(new float[] {0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0}, 3, 4);
        CaptionTokens t = CaptionTokens.of(be, caption(3, 4, 2), mask);
        // sample 0 keeps tokens 1 and 3, sample 1 tokens 0 and 2, sample 2 none (two masked slots)
        assertArrayEquals(new int[] {3, 2, 2}, t.y().shape());
        assertArrayEquals(new float[] {1, 1.1f, 3, 3.1f, 10, 10.1f, 12, 12.1f, 20, 20.1f, 20, 20.1f}, t.y().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0}, t.keyMask().toFloatArray());
    }

    @Test
    void withoutPaddingNothingIsGathered() {
        Tensor y = caption(2, 3, 2);
        CaptionTokens all = CaptionTokens.of(be, y, null);
        assertNull(all.keyMask());
        assertSame(y.storage(), all.y().storage());
        CaptionTokens full = CaptionTokens.of(be, y, Tensor.of(new float[] {1, 1, 1, 0, 1, 1}, 2, 3));
        assertArrayEquals(new int[] {2, 3, 2}, full.y().shape());
        assertArrayEquals(new float[] {1, 1, 1, 0, 1, 1}, full.keyMask().toFloatArray());
    }
}
