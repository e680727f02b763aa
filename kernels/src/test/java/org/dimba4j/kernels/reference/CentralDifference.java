package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;

import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient checks of a backward against its forward: the loss is sum(forward() * r) for a
 * fixed random r (so dLoss/dOut = r, the dy handed to the backward), and each checked element of an input is
 * moved by +-step in place (inputs are host f32 tensors sharing their arrays) for a central difference.
 *
 * <p>The reference forward rounds its double result to f32, so the loss carries about 6e-8 relative noise per
 * output; divided by 2 step that is the dominant error, hence the step of 1e-2 (truncation error step^2 f''',
 * about 1e-4 of the gradient here) and tolerances of about 1e-3.
 */
final class CentralDifference {
    static final float STEP = 1e-2f;

    private final Supplier<Tensor> forward;
    private final float[] r;

    CentralDifference(Supplier<Tensor> forward, Tensor r) {
        this.forward = forward;
        this.r = r.floats();
    }

    private double loss() {
        float[] y = forward.get().toFloatArray();
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) y[i] * r[i];
        return s;
    }

    /**
     * Compares {@code grad} with central differences of the loss w.r.t. {@code input}, at {@code samples} random
     * elements (all of them when there are fewer): |fd - grad| &lt;= tol (max |grad| + |grad_i|) / 2.
     */
    void check(String what, Tensor input, Tensor grad, int samples, double tol, Random rnd) {
        assertArrayEquals(input.shape(), grad.shape(), what + ": gradient shape");
        float[] x = input.floats(), g = grad.toFloatArray();
        double scale = 1e-6;
        for (float v : g) scale = Math.max(scale, Math.abs(v));
        int count = Math.min(samples, x.length);
        for (int k = 0; k < count; k++) {
            int i = count == x.length ? k : rnd.nextInt(x.length);
            float keep = x[i], hi = keep + STEP, lo = keep - STEP; // the f32 points actually evaluated
            x[i] = hi;
            double up = loss();
            x[i] = lo;
            double down = loss();
            x[i] = keep;
            double fd = (up - down) / ((double) hi - lo);
            if (!(Math.abs(fd - g[i]) <= tol * (scale + Math.abs(g[i])) / 2)) {
                fail(what + ": element " + i + " finite difference " + fd + " vs backward " + g[i] + " (max |grad| " + scale + ")");
            }
        }
    }

    /** A fixed-seed N(0, 1) host tensor. */
    static Tensor randn(Random rnd, int... shape) {
        float[] v = new float[Math.toIntExact(org.dimba4j.kernels.Shape.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        return Tensor.of(v, shape);
    }

    /** A fixed-seed uniform [lo, hi) host tensor. */
    static Tensor uniform(Random rnd, float lo, float hi, int... shape) {
        float[] v = new float[Math.toIntExact(org.dimba4j.kernels.Shape.numel(shape))];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * rnd.nextFloat();
        return Tensor.of(v, shape);
    }
}
