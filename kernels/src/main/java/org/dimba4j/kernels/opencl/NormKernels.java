package org.dimba4j.kernels.opencl;

/**
 * LayerNorm, RMSNorm, softmax (per row) and GroupNorm (per sample and group): one work-group per segment, reducing
 * through local memory, so a few long segments (GroupNorm over a large image) still use the whole device.
 */
abstract class NormKernels extends ElementwiseKernels {
    static final int NORM_LAYER = 0, NORM_RMS = 1, NORM_SOFTMAX = 2, NORM_GROUP = 3;
    /** Work-group size of the segment reductions (a power of two). */
    static final int NORM_WG = 64;

    @Local float[] reduceBuf = new float[NORM_WG];

    /** Sum (or max when {@code isMax}) of {@code v} over the work-group; every work-item gets the result. */
    float groupReduce(float v, boolean isMax) {
        int lid = getLocalId(0);
        reduceBuf[lid] = v;
        localBarrier();
        for (int s = NORM_WG / 2; s > 0; s = s / 2) {
            if (lid < s) {
                float o = reduceBuf[lid + s];
                reduceBuf[lid] = isMax ? max(reduceBuf[lid], o) : reduceBuf[lid] + o;
            }
            localBarrier();
        }
        float r = reduceBuf[0];
        localBarrier();
        return r;
    }

    /** Mean of the len elements at aOff + base, or 0 when not {@code centred} (RMSNorm); the whole work-group calls it. */
    float segmentMean(int base, int len, boolean centred) {
        float mean = 0f;
        if (centred) {
            float s = 0f;
            for (int k = getLocalId(0); k < len; k += NORM_WG) s += ld(aOff + base + k);
            mean = groupReduce(s, false) / len;
        }
        return mean;
    }

    /** 1 / sqrt(mean((x - mean)^2) + eps f0) over the same elements: PyTorch's second pass (centred variance). */
    float segmentRstd(int base, int len, float mean) {
        float ss = 0f;
        for (int k = getLocalId(0); k < len; k += NORM_WG) {
            float dv = ld(aOff + base + k) - mean;
            ss += dv * dv;
        }
        return rsqrt(groupReduce(ss, false) / len + f0);
    }

    /**
     * Normalises segment {@code getGroupId(0)} of n1 contiguous elements (n0 segments): n2 = LayerNorm, RMSNorm,
     * softmax or GroupNorm. Element k of segment q uses channel (q % n4) * n5 + k / n3 for weight (bOff) and bias
     * (cOff), so rows pass n3 = 1, n4 = 1, and GroupNorm passes spatial, groups, channels per group. eps f0.
     * Two passes as PyTorch (mean, then centred variance). Range: n0 * NORM_WG, local NORM_WG.
     */
    void segmentNorm() {
        int q = getGroupId(0);
        int lid = getLocalId(0);
        int len = n1;
        int base = q * len;
        int chBase = (q % n4) * n5;
        if (n2 == NORM_SOFTMAX) {
            float m = NEG_MAX;
            for (int k = lid; k < len; k += NORM_WG) m = max(m, ld(aOff + base + k));
            m = groupReduce(m, true);
            float z = 0f;
            for (int k = lid; k < len; k += NORM_WG) z += exp(ld(aOff + base + k) - m);
            float inv = 1f / groupReduce(z, false);
            for (int k = lid; k < len; k += NORM_WG) st(oOff + base + k, exp(ld(aOff + base + k) - m) * inv);
        } else {
            float mean = segmentMean(base, len, n2 != NORM_RMS);
            float inv = segmentRstd(base, len, mean);
            for (int k = lid; k < len; k += NORM_WG) {
                int ch = chBase + k / n3;
                float y = (ld(aOff + base + k) - mean) * inv;
                if (bOff >= 0) y = y * ld(bOff + ch);
                if (cOff >= 0) y = y + ld(cOff + ch);
                st(oOff + base + k, y);
            }
        }
    }
}
