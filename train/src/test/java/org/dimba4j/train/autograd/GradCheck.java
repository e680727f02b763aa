package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference check of the tape's gradients over the scalar {@link ReferenceBackend}: for an op f of some
 * inputs, the loss is L = sum(f(x) * R) with a fixed random R; the tape's dL/dx must match the central difference
 * (L(x + h e_i) - L(x - h e_i)) / 2h, computed in double from the reference forward, element by element.
 */
final class GradCheck {
    /** An op of the watched inputs (constants are captured by the lambda). */
    @FunctionalInterface
    interface Op {
        Tensor apply(Backend be, Tensor... xs);
    }

    static final ReferenceBackend REF = new ReferenceBackend();
    private static final double H = 1e-2;

    private GradCheck() {}

    static Tensor rand(Random r, float scale, int... shape) {
        float[] d = new float[Math.toIntExact(org.dimba4j.kernels.Shape.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (float) (scale * r.nextGaussian());
        return Tensor.of(d, shape);
    }

    /** Checks every input's gradient at up to {@code maxPerInput} elements, within {@code tol} of max(1, max|grad|). */
    static void check(String what, double tol, Op op, Tensor... inputs) {
        Random r = new Random(what.hashCode());
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < xs.length; i++) xs[i] = Tensor.of(inputs[i].toFloatArray(), inputs[i].shape());
        TapeBackend tape = new TapeBackend(REF);
        for (Tensor x : xs) tape.watch(x);
        Tensor out = op.apply(tape, xs);
        Tensor weights = rand(r, 1f, out.shape());
        Tensor loss = tape.sum(tape.mul(out, weights).reshape(-1), 0);
        assertEquals(lossOf(op.apply(REF, xs), weights), loss.getFlat(0), 1e-4 * Math.max(1, Math.abs(loss.getFlat(0))),
                what + ": the tape's forward is the inner backend's");
        Gradients g = tape.backward(loss);
        for (int i = 0; i < xs.length; i++) {
            Tensor grad = g.get(xs[i]);
            assertNotNull(grad, what + ": input " + i + " got no gradient");
            assertEquals(java.util.Arrays.toString(xs[i].shape()), java.util.Arrays.toString(grad.shape()), what + ": gradient shape");
            float[] analytic = grad.toFloatArray(), x = xs[i].floats();
            double scale = 1;
            for (float a : analytic) scale = Math.max(scale, Math.abs(a));
            int n = x.length, checks = Math.min(n, 24);
            for (int c = 0; c < checks; c++) {
                int e = n <= 24 ? c : r.nextInt(n);
                float saved = x[e];
                float up = (float) (saved + H), down = (float) (saved - H);
                x[e] = up;
                double plus = lossOf(op.apply(REF, xs), weights);
                x[e] = down;
                double minus = lossOf(op.apply(REF, xs), weights);
                x[e] = saved;
                double numeric = (plus - minus) / ((double) up - down);
                if (!(Math.abs(numeric - analytic[e]) <= tol * scale)) {
                    fail(what + ": d/d input " + i + " element " + e + ": tape " + analytic[e] + ", finite difference "
                            + numeric + " (tolerance " + tol * scale + ")");
                }
            }
        }
    }

    private static double lossOf(Tensor out, Tensor weights) {
        float[] o = out.toFloatArray(), w = weights.toFloatArray();
        double s = 0;
        for (int i = 0; i < o.length; i++) s += (double) o[i] * w[i];
        return s;
    }
}
