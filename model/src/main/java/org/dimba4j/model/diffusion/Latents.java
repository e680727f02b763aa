package org.dimba4j.model.diffusion;

import org.dimba4j.kernels.Tensor;

import java.util.Arrays;

/** Small host-side helpers shared by the samplers (latents are a few hundred KB: plain loops suffice). */
final class Latents {
    private Latents() {}

    /**
     * Channels [from, to) of a model output [B, K, h, w], as a flat [B, to - from, h, w] array; checks that the
     * output matches the latents' batch and spatial size and has at least {@code to} channels.
     */
    static float[] channels(Tensor out, int[] latentShape, int from, int to) {
        int[] s = out.shape();
        if (s.length != 4 || s[0] != latentShape[0] || s[2] != latentShape[2] || s[3] != latentShape[3] || s[1] < to) {
            throw new IllegalArgumentException("model output " + Arrays.toString(s) + " does not fit latents "
                    + Arrays.toString(latentShape) + " (need at least " + to + " channels)");
        }
        float[] src = out.isHostF32Array() ? out.floats() : out.toFloatArray();
        int batch = s[0];
        int k = s[1];
        int plane = s[2] * s[3];
        int c = to - from;
        float[] dst = new float[batch * c * plane];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(src, (b * k + from) * plane, dst, b * c * plane, c * plane);
        }
        return dst;
    }

    static float[] hostCopy(Tensor t) {
        return t.toFloatArray();
    }

    static void checkLatents(Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("latents must be [B, C, h, w], got " + Arrays.toString(x.shape()));
        }
    }
}
