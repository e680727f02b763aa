package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inlined vector transcendental functions. {@code lanewise(EXP)} is an out-of-line call about 2x slower than
 * this polynomial (DESIGN.md), and these small static methods inline into the kernels that call them.
 * Constants are broadcast at the use site: {@code static final} vectors are reloaded every iteration.
 */
final class VMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VMath() {}

    /**
     * e^x to ~2 ulp: x = n ln2 + r with |r| <= ln2/2, e^r by a degree-6 polynomial, 2^n added to the exponent
     * bits. Below -87.33 the result is 0, above 88.72 it is +inf (as in float), NaN stays NaN.
     */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.compare(VectorOperators.LT, -87.33f), over = x.compare(VectorOperators.GT, 88.72f);
        // clamp into the range where n fits the exponent field; the masks fix the ends afterwards
        FloatVector xc = x.blend(-87.33f, under).blend(88.0f, x.compare(VectorOperators.GT, 88.0f));
        // n = round(x / ln2) with the 1.5 * 2^23 trick: its low mantissa bits then hold n
        FloatVector t = xc.fma(FloatVector.broadcast(S, 1.44269504f), FloatVector.broadcast(S, 12582912f));
        FloatVector fn = t.sub(12582912f);
        FloatVector r = fn.fma(FloatVector.broadcast(S, -0.693145752f), xc);
        r = fn.fma(FloatVector.broadcast(S, -1.42860677e-6f), r);
        FloatVector p = FloatVector.broadcast(S, 1.3888889e-3f);
        p = p.fma(r, FloatVector.broadcast(S, 8.3333333e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1666667e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 0.16666667f));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector n = t.reinterpretAsInts().sub(0x4B400000);
        FloatVector e = p.reinterpretAsInts().add(n.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
        return e.blend(0f, under).blend(Float.POSITIVE_INFINITY, over);
    }

    /** 1 / (1 + e^-x). */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(one.add(exp(x.neg())));
    }

    /** tanh via 1 - 2 / (e^(2x) + 1): exact limits +-1, as e^(2x) goes to inf or 0. */
    static FloatVector tanh(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.sub(FloatVector.broadcast(S, 2f).div(exp(x.add(x)).add(one)));
    }

    /** erf by Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7), odd-extended. */
    static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(ax.fma(FloatVector.broadcast(S, 0.3275911f), FloatVector.broadcast(S, 1f)));
        FloatVector p = FloatVector.broadcast(S, 1.061405429f);
        p = p.fma(t, FloatVector.broadcast(S, -1.453152027f));
        p = p.fma(t, FloatVector.broadcast(S, 1.421413741f));
        p = p.fma(t, FloatVector.broadcast(S, -0.284496736f));
        p = p.fma(t, FloatVector.broadcast(S, 0.254829592f));
        p = p.mul(t);
        FloatVector y = FloatVector.broadcast(S, 1f).sub(p.mul(exp(ax.mul(ax).neg())));
        return y.blend(y.neg(), x.compare(VectorOperators.LT, 0f));
    }

    /**
     * log(1 + e^x) = max(x, 0) + log1p(e^-|x|), x returned as is above 20 (PyTorch's softplus threshold). The
     * log1p is a series here rather than {@code lanewise(LOG1P)}, whose out-of-line code may round differently
     * before and after JIT compilation: results must not depend on how warm the JVM is.
     */
    static FloatVector softplus(FloatVector x) {
        FloatVector y = x.blend(0f, x.compare(VectorOperators.LT, 0f)).add(log1pUnit(exp(x.abs().neg())));
        return y.blend(x, x.compare(VectorOperators.GT, 20f));
    }

    /** log(1 + y) for y in [0, 1]: 2 atanh(s) with s = y / (2 + y) <= 1/3, eight odd terms (error < 1e-8). */
    static FloatVector log1pUnit(FloatVector y) {
        FloatVector s = y.div(y.add(2f)), s2 = s.mul(s);
        FloatVector p = FloatVector.broadcast(S, 1f / 15);
        p = p.fma(s2, FloatVector.broadcast(S, 1f / 13));
        p = p.fma(s2, FloatVector.broadcast(S, 1f / 11));
        p = p.fma(s2, FloatVector.broadcast(S, 1f / 9));
        p = p.fma(s2, FloatVector.broadcast(S, 1f / 7));
        p = p.fma(s2, FloatVector.broadcast(S, 1f / 5));
        p = p.fma(s2, FloatVector.broadcast(S, 1f / 3));
        p = p.fma(s2, FloatVector.broadcast(S, 1f));
        return p.mul(s.add(s));
    }

    /**
     * The lanes' sum in a fixed order. {@code reduceLanes(ADD)} adds in a different order when interpreted and
     * when compiled, so the same input could give different bits early and late in a run.
     */
    static float sumLanes(FloatVector v) {
        float[] t = new float[S.length()];
        v.intoArray(t, 0);
        float s = 0f;
        for (float f : t) s += f;
        return s;
    }

    /** Scalar twins for loop tails, same formulas in float. */
    static float exp(float x) {
        return (float) Math.exp(x);
    }

    static float erf(float x) {
        float ax = Math.abs(x), t = 1f / (1f + 0.3275911f * ax);
        float p = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
        float y = 1f - p * (float) Math.exp(-ax * ax);
        return x < 0 ? -y : y;
    }

    static float softplus(float x) {
        return x > 20f ? x : (float) Math.log1p(Math.exp(x));
    }
}
