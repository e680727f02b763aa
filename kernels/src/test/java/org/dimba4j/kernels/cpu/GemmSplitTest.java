package org.dimba4j.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Gemm's summation order never depends on how the work is split: one thread (parallel = false) and the pool's
 * row or column split give the same bits, and so does a pre-packed B. Shapes straddle the 12- and 6-row tiles,
 * the NR-wide panels and the kc slices; A is read both ways (plain and transposed strides).
 */
class GemmSplitTest {

    private static float[] rand(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    @Test
    void sameBitsForAnySplitAndForAPackedB() {
        int[][] shapes = {{300, 257, 700}, {1037, 5, 3}, {13, 1029, 130}, {25, 600, 97}, {7, 513, 1100}, {96, 300, 64}};
        Random r = new Random(21);
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = rand(r, m * k), b = rand(r, k * n), c0 = rand(r, m * n);
            MatrixView bv = new MatrixView(b, null, org.dimba4j.kernels.DType.F32, 0, n, 1);
            for (boolean transA : new boolean[] {false, true}) {
                int aRs = transA ? 1 : k, aCs = transA ? m : 1;
                for (boolean acc : new boolean[] {false, true}) {
                    String what = m + "x" + k + "x" + n + " transA=" + transA + " accumulate=" + acc;
                    float[] serial = c0.clone(), pooled = c0.clone(), packed = c0.clone();
                    Gemm.gemm(m, n, k, a, 0, aRs, aCs, bv, serial, 0, n, acc, false);
                    Gemm.gemm(m, n, k, a, 0, aRs, aCs, bv, pooled, 0, n, acc, true);
                    Gemm.gemm(m, n, k, a, 0, aRs, aCs, PackedB.of(bv, k, n, true), packed, 0, n, acc, true);
                    assertArrayEquals(serial, pooled, what + ": pool split");
                    assertArrayEquals(serial, packed, what + ": packed B");
                    // and against a double-precision dot product, so a wrong-but-consistent kernel fails too
                    for (int t = 0; t < 50; t++) {
                        int i = r.nextInt(m), j = r.nextInt(n);
                        double want = acc ? c0[i * n + j] : 0;
                        for (int q = 0; q < k; q++) want += (double) a[i * aRs + q * aCs] * b[q * n + j];
                        assertEquals(want, serial[i * n + j], 1e-4 * Math.sqrt(k) + 1e-4, what + " at " + i + "," + j);
                    }
                }
            }
        }
    }
}
