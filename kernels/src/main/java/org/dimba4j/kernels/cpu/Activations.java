package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vectorised pointwise functions over a whole array, split over the pool for large tensors. */
final class Activations {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    enum Fn { SILU, GELU_TANH, GELU_ERF, RELU, SOFTPLUS, EXP, SQRT }

    private static final float GELU_C = (float) Math.sqrt(2 / Math.PI);
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));

    private Activations() {}

    static float[] apply(Fn fn, float[] x, int n) {
        float[] o = new float[n];
        Parallel.forRange(n, 4096, n * 16L, (s, e) -> range(fn, x, o, s, e));
        return o;
    }

    /**
     * One function over [s, e). Each function's loop is a method of its own: with all of them in one method (one
     * switch), C2 ran out of inlining budget for the VMath calls and boxed every vector, and silu took 3x geluTanh.
     */
    private static void range(Fn fn, float[] x, float[] o, int s, int e) {
        int bound = s + S.loopBound(e - s);
        switch (fn) {
            case SILU -> silu(x, o, s, bound);
            case GELU_TANH -> geluTanh(x, o, s, bound);
            case GELU_ERF -> geluErf(x, o, s, bound);
            case RELU -> relu(x, o, s, bound);
            case SOFTPLUS -> softplus(x, o, s, bound);
            case EXP -> exp(x, o, s, bound);
            case SQRT -> sqrt(x, o, s, bound);
        }
        for (int i = bound; i < e; i++) o[i] = scalar(fn, x[i]);
    }

    private static void silu(float[] x, float[] o, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.mul(VMath.sigmoid(v)).intoArray(o, i);
        }
    }

    private static void geluTanh(float[] x, float[] o, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) geluTanh(FloatVector.fromArray(S, x, i)).intoArray(o, i);
    }

    private static void geluErf(float[] x, float[] o, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.mul(0.5f).mul(VMath.erf(v.mul(INV_SQRT2)).add(1f)).intoArray(o, i);
        }
    }

    private static void relu(float[] x, float[] o, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.blend(0f, v.compare(VectorOperators.LT, 0f)).intoArray(o, i);
        }
    }

    private static void softplus(float[] x, float[] o, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) VMath.softplus(FloatVector.fromArray(S, x, i)).intoArray(o, i);
    }

    private static void exp(float[] x, float[] o, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) VMath.exp(FloatVector.fromArray(S, x, i)).intoArray(o, i);
    }

    private static void sqrt(float[] x, float[] o, int s, int bound) {
        for (int i = s; i < bound; i += S.length()) FloatVector.fromArray(S, x, i).lanewise(VectorOperators.SQRT).intoArray(o, i);
    }

    /** 0.5 v (1 + tanh(u)) written as v * sigmoid(2u): the same function without 1 + tanh cancelling to 0 for v << 0. */
    static FloatVector geluTanh(FloatVector v) {
        FloatVector u = v.mul(v).mul(v).fma(FloatVector.broadcast(S, 0.044715f), v).mul(2 * GELU_C);
        return v.mul(VMath.sigmoid(u));
    }

    private static float scalar(Fn fn, float v) {
        return switch (fn) {
            case SILU -> (float) (v / (1 + Math.exp(-v)));
            case GELU_TANH -> (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
            case GELU_ERF -> 0.5f * v * (1 + VMath.erf(v * INV_SQRT2));
            case RELU -> v < 0 ? 0f : v;
            case SOFTPLUS -> VMath.softplus(v);
            case EXP -> VMath.exp(v);
            case SQRT -> (float) Math.sqrt(v);
        };
    }

    /** geluTanh(gate) * up, fused (T5 v1.1 gated-GELU). */
    static float[] gatedGelu(float[] g, float[] u, int n) {
        float[] o = new float[n];
        Parallel.forRange(n, 4096, n * 16L, (s, e) -> {
            int i = s, bound = s + S.loopBound(e - s);
            for (; i < bound; i += S.length()) {
                geluTanh(FloatVector.fromArray(S, g, i)).mul(FloatVector.fromArray(S, u, i)).intoArray(o, i);
            }
            for (; i < e; i++) o[i] = scalar(Fn.GELU_TANH, g[i]) * u[i];
        });
        return o;
    }

    /** x * s + t. */
    static float[] affine(float[] x, int n, float s, float t) {
        float[] o = new float[n];
        Parallel.forRange(n, 4096, n, (a, e) -> {
            int i = a, bound = a + S.loopBound(e - a);
            for (; i < bound; i += S.length()) FloatVector.fromArray(S, x, i).fma(s, t).intoArray(o, i);
            for (; i < e; i++) o[i] = x[i] * s + t;
        });
        return o;
    }
}
