package org.dimba4j.kernels.opencl;

/**
 * Element-parallel ops: the strided map (elementwise arithmetic with broadcasting, activations, and every layout op as
 * a strided copy), reductions along a dim, and gather.
 */
abstract class ElementwiseKernels extends KernelBase {
    static final int MAX_DIMS = 6;
    static final int BIN_NONE = 0, BIN_ADD = 1, BIN_SUB = 2, BIN_MUL = 3, BIN_DIV = 4;
    static final int UN_ID = 0, UN_SILU = 1, UN_GELU_TANH = 2, UN_GELU_ERF = 3, UN_RELU = 4, UN_SOFTPLUS = 5,
            UN_EXP = 6, UN_AFFINE = 7, UN_SQRT = 8;
    static final int RED_SUM = 0, RED_MEAN = 1, RED_MAX = 2;
    static final float NEG_MAX = -3.4028235E38f;

    /** Iteration shape (padded with leading 1s to 6 dims) and element strides of out, a and b over it. */
    int sh0, sh1, sh2, sh3, sh4, sh5;
    int os0, os1, os2, os3, os4, os5;
    int as0, as1, as2, as3, as4, as5;
    int bs0, bs1, bs2, bs3, bs4, bs5;

    /** tanh through exp, saturating cleanly at +-1 (OpenCL's tanh is not reachable from Aparapi). */
    float tanhf(float x) {
        return 1f - 2f / (exp(2f * x) + 1f);
    }

    /** erf, Abramowitz-Stegun 7.1.26 (|error| &lt; 1.5e-7). */
    float erff(float x) {
        float ax = abs(x);
        float t = 1f / (1f + 0.3275911f * ax);
        float y = 1f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f)
                * t * exp(-ax * ax);
        return x < 0f ? -y : y;
    }

    float unary(int code, float v) {
        float r = v;
        if (code == UN_SILU) {
            r = v / (1f + exp(-v));
        } else if (code == UN_GELU_TANH) {
            r = 0.5f * v * (1f + tanhf(0.7978845608f * (v + 0.044715f * v * v * v)));
        } else if (code == UN_GELU_ERF) {
            r = 0.5f * v * (1f + erff(v * 0.70710678f));
        } else if (code == UN_RELU) {
            r = max(v, 0f);
        } else if (code == UN_SOFTPLUS) {
            r = v > 20f ? v : log(1f + exp(v));
        } else if (code == UN_EXP) {
            r = exp(v);
        } else if (code == UN_AFFINE) {
            r = v * f0 + f1;
        } else if (code == UN_SQRT) {
            r = sqrt(v);
        }
        return r;
    }

    /**
     * out[oOff + idx.os] = unary(n2, binary(n1, a[aOff + idx.as], b[bOff + idx.bs])) over the 6-D index idx of the
     * shape sh; n0 = its element count. Range: n0 work-items.
     */
    void map() {
        int i = getGlobalId(0);
        if (i < n0) {
            int r = i;
            int c5 = r % sh5;
            r = r / sh5;
            int c4 = r % sh4;
            r = r / sh4;
            int c3 = r % sh3;
            r = r / sh3;
            int c2 = r % sh2;
            r = r / sh2;
            int c1 = r % sh1;
            int c0 = r / sh1;
            float x = ld(aOff + c0 * as0 + c1 * as1 + c2 * as2 + c3 * as3 + c4 * as4 + c5 * as5);
            if (n1 != BIN_NONE) {
                float y = ld(bOff + c0 * bs0 + c1 * bs1 + c2 * bs2 + c3 * bs3 + c4 * bs4 + c5 * bs5);
                if (n1 == BIN_ADD) {
                    x = x + y;
                } else if (n1 == BIN_SUB) {
                    x = x - y;
                } else if (n1 == BIN_MUL) {
                    x = x * y;
                } else {
                    x = x / y;
                }
            }
            st(oOff + c0 * os0 + c1 * os1 + c2 * os2 + c3 * os3 + c4 * os4 + c5 * os5, unary(n2, x));
        }
    }

    /** Reduce a [outer, n1, inner] view over its middle dim (n3: sum, mean, max); n0 = outer*inner, n2 = inner. Range: n0. */
    void reduce() {
        int i = getGlobalId(0);
        if (i < n0) {
            int outer = i / n2;
            int inner = i % n2;
            int base = aOff + outer * n1 * n2 + inner;
            float acc = n3 == RED_MAX ? NEG_MAX : 0f;
            for (int k = 0; k < n1; k++) {
                float v = ld(base + k * n2);
                acc = n3 == RED_MAX ? max(acc, v) : acc + v;
            }
            st(oOff + i, n3 == RED_MEAN ? acc / n1 : acc);
        }
    }

    /** out[i] = table[aOff + id * n1 + i % n1] with id = ids[bOff + i / n1] (ids stored as floats); n0 = rows*n1. Range: n0. */
    void gather() {
        int i = getGlobalId(0);
        if (i < n0) {
            int id = (int) ld(bOff + i / n1);
            st(oOff + i, ld(aOff + id * n1 + i % n1));
        }
    }
}
