package org.dimba4j.kernels.opencl;

/**
 * Backward kernels of the row-wise ops: activations (elementwise on x and dy), softmax and the norms (one work-group
 * per row, as their forwards), and the norms' weight and bias gradients (one work-item per channel walking the rows in
 * order, so the sums are deterministic: no atomics).
 */
abstract class BackwardKernels extends SequenceKernels {
    static final int OP_ACTIVATION_GRAD = 20, OP_SOFTMAX_GRAD = 21, OP_NORM_GRAD = 22, OP_NORM_PARAM_GRAD = 23;

    /** d/dx of the activation {@code code} (an {@code UN_} code of the forward) at v. */
    float activationSlope(int code, float v) {
        float g = 0f;
        if (code == UN_SILU) {
            float s = 1f / (1f + exp(-v));
            g = s * (1f + v * (1f - s));
        } else if (code == UN_GELU_TANH) {
            // PyTorch's gelu_backward(approximate="tanh"): product rule on 0.5 x (1 + tanh(inner))
            float v2 = v * v;
            float t = tanhf(0.7978845608f * (v + 0.044715f * v2 * v));
            g = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * 0.7978845608f * (1f + 3f * 0.044715f * v2);
        } else if (code == UN_GELU_ERF) {
            g = 0.5f * (1f + erff(v * 0.70710678f)) + v * 0.39894228f * exp(-0.5f * v * v);
        } else if (code == UN_RELU) {
            g = v > 0f ? 1f : 0f;
        } else if (code == UN_SOFTPLUS) {
            g = v > 20f ? 1f : 1f / (1f + exp(-v));
        }
        return g;
    }

    /** out[i] = dy[i] * activation'(x[i]) for i &lt; n0; code n1, x aOff, dy bOff. Range: n0. */
    void activationGrad() {
        int i = getGlobalId(0);
        if (i < n0) st(oOff + i, ld(bOff + i) * activationSlope(n1, ld(aOff + i)));
    }

    /** Softmax backward for n0 rows of n1: dx = y * (dy - sum(dy * y)); y aOff, dy bOff. Range: n0 * NORM_WG, local NORM_WG. */
    void softmaxGrad() {
        int base = getGroupId(0) * n1;
        int lid = getLocalId(0);
        float s = 0f;
        for (int k = lid; k < n1; k += NORM_WG) s += ld(aOff + base + k) * ld(bOff + base + k);
        s = groupReduce(s, false);
        for (int k = lid; k < n1; k += NORM_WG) {
            float y = ld(aOff + base + k);
            st(oOff + base + k, y * (ld(bOff + base + k) - s));
        }
    }

    /**
     * LayerNorm (n2 = NORM_LAYER) or RMSNorm (NORM_RMS) backward for row {@code getGroupId(0)} of n1 (n0 rows): with
     * xhat the normalised row, rstd its 1/sigma and g = dy * weight, dx = rstd * (g - mean(g) - xhat * mean(g * xhat))
     * (RMSNorm: no mean(g) term). x aOff, weight bOff (or -1), dy cOff, eps f0, dx oOff; the row's mean and rstd go to
     * stats dOff + 2 * row (or -1) for {@link #normParamGrad}. Statistics as the forward (two passes).
     * Range: n0 * NORM_WG, local NORM_WG.
     */
    void normGrad() {
        int row = getGroupId(0);
        int lid = getLocalId(0);
        int len = n1;
        int base = row * len;
        boolean layer = n2 != NORM_RMS;
        float mean = segmentMean(base, len, layer);
        float rstd = segmentRstd(base, len, mean);
        float sg = 0f;
        float sgx = 0f;
        for (int k = lid; k < len; k += NORM_WG) {
            float g = ld(cOff + base + k) * (bOff >= 0 ? ld(bOff + k) : 1f);
            sg += g;
            sgx += g * (ld(aOff + base + k) - mean) * rstd;
        }
        float meanG = layer ? groupReduce(sg, false) / len : 0f;
        float meanGx = groupReduce(sgx, false) / len;
        for (int k = lid; k < len; k += NORM_WG) {
            float g = ld(cOff + base + k) * (bOff >= 0 ? ld(bOff + k) : 1f);
            float xhat = (ld(aOff + base + k) - mean) * rstd;
            st(oOff + base + k, rstd * (g - meanG - xhat * meanGx));
        }
        if (lid == 0 && dOff >= 0) {
            st(dOff + 2 * row, mean);
            st(dOff + 2 * row + 1, rstd);
        }
    }

    /**
     * Weight and bias gradients of a row norm over a block of rows: work-item (block q, channel c) sums rows
     * q*n7 .. q*n7+n7 (of n0) in order, dWeight partial = sum dy * xhat at oOff + q*C + c, dBias partial = sum dy at
     * eOff + q*C + c (or -1); the host reduces the blocks in order. C = n1; x aOff, dy cOff, row stats dOff.
     * Range: blocks * C.
     */
    void normParamGrad() {
        int i = getGlobalId(0);
        int blocks = (n0 + n7 - 1) / n7;
        if (i < max(blocks, 1) * n1) {
            int c = i % n1;
            int first = (i / n1) * n7;
            int end = min(n0, first + n7);
            float dw = 0f;
            float db = 0f;
            for (int r = first; r < end; r++) {
                float dy = ld(cOff + r * n1 + c);
                dw += dy * (ld(aOff + r * n1 + c) - ld(dOff + 2 * r)) * ld(dOff + 2 * r + 1);
                db += dy;
            }
            st(oOff + i, dw);
            if (eOff >= 0) st(eOff + i, db);
        }
    }
}
