package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gradient checks of the backward ops: central differences of loss = sum(forward(x) * r) for a fixed random r,
 * and elementwise comparisons that name the worst element. {@code -Dgradcheck.report=true} prints the largest
 * error of every comparison (how the tolerances in the tests were chosen).
 */
final class GradCheck {
    private static final boolean REPORT = Boolean.getBoolean("gradcheck.report");

    private GradCheck() {}

    static Tensor randn(Random r, double scale, int... shape) {
        float[] d = new float[Math.toIntExact(org.dimba4j.kernels.Shape.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextGaussian() * scale);
        return Tensor.of(d, shape);
    }

    /** sum(y * r) in double. */
    static double dot(Tensor y, Tensor r) {
        assertArrayEquals(r.shape(), y.shape(), "forward output shape");
        float[] a = y.toFloatArray(), b = r.toFloatArray();
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /**
     * Checks {@code analytic} = d sum(forward(x) r) / dx by central differences of step h (relative to max(1, |x_i|))
     * at every element of x: |numeric - analytic| &lt;= atol + rtol |analytic|.
     */
    static void assertGradient(String what, Tensor x, Function<Tensor, Tensor> forward, Tensor r, Tensor analytic,
                               double h, double atol, double rtol) {
        assertArrayEquals(x.shape(), analytic.shape(), what + ": gradient shape");
        float[] xs = x.toFloatArray(), g = analytic.toFloatArray(), numeric = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            float[] p = xs.clone(), m = xs.clone();
            double step = h * Math.max(1, Math.abs(xs[i]));
            p[i] = (float) (xs[i] + step);
            m[i] = (float) (xs[i] - step);
            double lp = dot(forward.apply(Tensor.of(p, x.shape())), r), lm = dot(forward.apply(Tensor.of(m, x.shape())), r);
            numeric[i] = (float) ((lp - lm) / ((double) p[i] - m[i])); // the f32-rounded step actually taken
        }
        assertClose(what + " vs central differences", Tensor.of(numeric, x.shape()), analytic, atol, rtol);
    }

    /** |actual - expected| &lt;= atol + rtol |expected| everywhere, naming the first element that is not. */
    static void assertClose(String what, Tensor expected, Tensor actual, double atol, double rtol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double worstAbs = 0, worstRel = 0;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs((double) a[i] - e[i]);
            worstAbs = Math.max(worstAbs, err);
            worstRel = Math.max(worstRel, err / Math.max(Math.abs(e[i]), 1e-3));
            if (!(err <= atol + rtol * Math.abs(e[i]))) {
                fail(what + ": element " + i + " of " + Arrays.toString(expected.shape()) + " expected " + e[i] + " got "
                        + a[i] + " (tolerance " + (atol + rtol * Math.abs(e[i])) + ")");
            }
        }
        if (REPORT) System.out.printf("gradcheck %-60s max abs %.2e, max rel (|e| >= 1e-3) %.2e%n", what, worstAbs, worstRel);
    }

    static void assertAllZero(String what, float[] a, int from, int to) {
        for (int i = from; i < to; i++) if (a[i] != 0f) fail(what + ": element " + i + " is " + a[i] + ", expected exactly 0");
    }

    /** The call fails with IllegalArgumentException whose message names the op and each given fragment (e.g. shapes). */
    static void assertRejects(String op, Runnable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run, op);
        assertTrue(e.getMessage().startsWith(op + ":"), "message names the op: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message mentions " + f + ": " + e.getMessage());
    }
}
