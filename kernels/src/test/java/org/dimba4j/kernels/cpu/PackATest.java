package org.dimba4j.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PackA's panels hold exactly what its contract says, element by element, for plain and transposed strides (the
 * transposed case has its own contiguous-copy path), full and partial panels, and a base offset.
 */
class PackATest {

    @Test
    void panelsHoldTheBlockForPlainAndTransposedStrides() {
        Random r = new Random(5);
        int mr = Gemm.MR;
        for (int[] s : new int[][] {{240, 256}, {2 * mr + 5, 31}, {mr - 1, 7}, {1, 1}, {mr, 1}}) {
            int mc = s[0], kc = s[1];
            for (boolean transposed : new boolean[] {false, true}) {
                int base = 3, ld = (transposed ? mc : kc) + 9;
                int rs = transposed ? 1 : ld, cs = transposed ? ld : 1;
                float[] a = new float[base + ld * (transposed ? kc : mc) + 1];
                for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
                int panels = (mc + mr - 1) / mr;
                float[] dst = new float[panels * kc * mr];
                java.util.Arrays.fill(dst, Float.NaN); // every slot must be written, zero padding included
                PackA.pack(a, base, rs, cs, mc, kc, dst);
                for (int i = 0; i < panels * mr; i++) {
                    for (int p = 0; p < kc; p++) {
                        float want = i < mc ? a[base + i * rs + p * cs] : 0f;
                        float got = dst[(i / mr) * kc * mr + p * mr + i % mr];
                        assertEquals(want, got, 0f, mc + "x" + kc + " transposed=" + transposed + " at row " + i + ", k " + p);
                    }
                }
            }
        }
    }
}
