package org.dimba4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Per-tensor statistics as the init fixture scripts record them ([mean, std, min, max, fraction of zeros, kurtosis]),
 * and the comparison of a freshly initialised tensor with the reference's: within sampling error for its size.
 */
public final class InitStats {
    private InitStats() {}

    public static double[] of(float[] x) {
        double s = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, zeros = 0;
        for (float v : x) {
            s += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            if (v == 0) zeros++;
        }
        double mean = s / x.length, m2 = 0, m4 = 0;
        for (float v : x) {
            double d = v - mean;
            m2 += d * d;
            m4 += d * d * d * d;
        }
        m2 /= x.length;
        m4 /= x.length;
        return new double[] {mean, Math.sqrt(m2), min, max, zeros / x.length, m2 > 0 ? m4 / (m2 * m2) : 0};
    }

    /**
     * Asserts that {@code mine} has the distribution whose sample statistics are {@code official}: the same fraction of
     * zeros; std within 5/sqrt(n) relative; mean within 5 standard errors of the difference; for uniform distributions
     * (kurtosis below 2.2) the same extremes (20% below 256 elements, else 5%); from 1000 elements the same kurtosis
     * within 0.6 (uniform 1.8, normal 3). Constant tensors (std 0) are left to exact comparisons.
     */
    public static void assertSameDistribution(String name, float[] official, float[] mine) {
        double[] m = of(mine);
        int size = mine.length;
        assertEquals(official[4], m[4], 1e-6, name + ": fraction of zeros");
        if (official[1] == 0) return;
        double sd = official[1];
        assertEquals(1, m[1] / sd, 5 / Math.sqrt(size), name + ": std " + m[1] + " vs official " + sd);
        assertEquals(official[0], m[0], 5 * Math.sqrt(2) * sd / Math.sqrt(size) + 1e-7, name + ": mean");
        if (official[5] < 2.2) {
            double tol = size < 256 ? 0.2 : 0.05;
            assertEquals(1, m[3] / official[3], tol, name + ": max " + m[3] + " vs official " + official[3]);
            assertEquals(1, m[2] / official[2], tol, name + ": min " + m[2] + " vs official " + official[2]);
        }
        if (size >= 1000) assertEquals(official[5], m[5], 0.6, name + ": kurtosis (uniform 1.8, normal 3)");
    }
}
