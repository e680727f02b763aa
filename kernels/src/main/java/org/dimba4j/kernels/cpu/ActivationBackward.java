package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * dx = dy * f'(x) for the activations of {@link Activations}, vectorised and split over the pool like the forwards
 * (GELU and SiLU run on every MLP and Mamba hidden element, so their backward is as hot as their forward).
 * Conventions as PyTorch: relu' = 0 at 0; softplus' = 1 above the threshold 20.
 */
final class ActivationBackward {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float GELU_C = (float) Math.sqrt(2 / Math.PI), KAPPA = 0.044715f;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2)), INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    private ActivationBackward() {}

    static float[] apply(Activations.Fn fn, float[] x, float[] dy, int n) {
        if (fn == Activations.Fn.EXP || fn == Activations.Fn.SQRT) {
            throw new IllegalArgumentException(fn + " has no backward here (its derivative is a function of its output)");
        }
        float[] dx = new float[n];
        Parallel.forRange(n, 4096, n * 20L, (s, e) -> range(fn, x, dy, dx, s, e));
        return dx;
    }

    /** One function's backward over [s, e), each in a loop of its own method (see Activations.range: C2 boxing). */
    private static void range(Activations.Fn fn, float[] x, float[] dy, float[] dx, int s, int e) {
        int bound = s + S.loopBound(e - s);
        switch (fn) {
            case SILU -> silu(x, dy, dx, s, bound);
            case GELU_TANH -> geluTanh(x, dy, dx, s, bound);
            case GELU_ERF -> geluErf(x, dy, dx, s, bound);
            case RELU -> relu(x, dy, dx, s, bound);
            case SOFTPLUS -> softplus(x, dy, dx, s, bound);
            case EXP, SQRT -> throw new AssertionError();
        }
        for (int i = bound; i < e; i++) dx[i] = dy[i] * scalar(fn, x[i]);
    }

    private static void silu(float[] x, float[] dy, float[] dx, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i), g = FloatVector.fromArray(S, dy, i);
            FloatVector sg = VMath.sigmoid(v);
            g.mul(sg).mul(v.mul(sg.neg().add(1f)).add(1f)).intoArray(dx, i);
        }
    }

    private static void geluTanh(float[] x, float[] dy, float[] dx, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) {
            FloatVector.fromArray(S, dy, i).mul(geluTanhDerivative(FloatVector.fromArray(S, x, i))).intoArray(dx, i);
        }
    }

    private static void geluErf(float[] x, float[] dy, float[] dx, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i), g = FloatVector.fromArray(S, dy, i);
            g.mul(VMath.erf(v.mul(INV_SQRT2)).add(1f).mul(0.5f)
                    .add(v.mul(INV_SQRT_2PI).mul(VMath.exp(v.mul(v).mul(-0.5f))))).intoArray(dx, i);
        }
    }

    private static void relu(float[] x, float[] dy, float[] dx, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i), g = FloatVector.fromArray(S, dy, i);
            FloatVector.zero(S).blend(g, v.compare(VectorOperators.GT, 0f)).intoArray(dx, i);
        }
    }

    private static void softplus(float[] x, float[] dy, float[] dx, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i), g = FloatVector.fromArray(S, dy, i);
            g.mul(VMath.sigmoid(v)).blend(g, v.compare(VectorOperators.GT, 20f)).intoArray(dx, i);
        }
    }

    /**
     * d/dv of 0.5 v (1 + tanh(u)), u = c (v + kappa v^3). With sig = sigmoid(2u) = 0.5 (1 + tanh u) and
     * 1 - tanh^2 u = 4 sig (1 - sig): sig + 2 v sig (1 - sig) c (1 + 3 kappa v^2), free of the 1 + tanh cancellation.
     */
    private static FloatVector geluTanhDerivative(FloatVector v) {
        FloatVector v2 = v.mul(v);
        FloatVector u = v2.mul(v).fma(FloatVector.broadcast(S, KAPPA), v).mul(2 * GELU_C);
        FloatVector sg = VMath.sigmoid(u);
        FloatVector du = v2.fma(FloatVector.broadcast(S, 3 * KAPPA), FloatVector.broadcast(S, 1f)).mul(2 * GELU_C);
        return sg.add(v.mul(sg).mul(sg.neg().add(1f)).mul(du));
    }

    /** The scalar twins for loop tails (double, as the reference). */
    private static float scalar(Activations.Fn fn, float v) {
        return switch (fn) {
            case SILU -> {
                double sg = 1 / (1 + Math.exp(-v));
                yield (float) (sg * (1 + v * (1 - sg)));
            }
            case GELU_TANH -> {
                double t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
                yield (float) (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v));
            }
            case GELU_ERF -> 0.5f * (1 + VMath.erf(v * INV_SQRT2)) + v * INV_SQRT_2PI * (float) Math.exp(-0.5 * v * v);
            case RELU -> v > 0 ? 1f : 0f;
            case SOFTPLUS -> v > 20 ? 1f : (float) (1 / (1 + Math.exp(-v)));
            case EXP, SQRT -> throw new AssertionError();
        };
    }
}
