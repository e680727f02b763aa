package org.dimba4j.model.diffusion;

import org.dimba4j.kernels.Tensor;

/**
 * The analytic stand-in for the denoiser used by tools/fixtures/diffusion/make_fixtures.py, defined the same
 * way: per sample b with condition value c_b, eps = 0.6 sin(1.3 x + 0.002 t) + 0.2 x + 0.3 c_b and the
 * variance channels tanh(0.5 x - 0.001 t), computed in double and rounded to float.
 */
final class AnalyticModel {
    private AnalyticModel() {}

    /** [B, 8, h, w] for x [B, 4, h, w] and conditions c [B]. */
    static float[] output(float[] x, int[] shape, float t, float[] c) {
        int b = shape[0];
        int ch = shape[1];
        int plane = shape[2] * shape[3];
        float[] out = new float[b * 2 * ch * plane];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < ch * plane; k++) {
                double xv = x[i * ch * plane + k];
                out[i * 2 * ch * plane + k] = (float) (0.6 * Math.sin(1.3 * xv + 0.002 * t) + 0.2 * xv + 0.3 * c[i]);
                out[i * 2 * ch * plane + ch * plane + k] = (float) Math.tanh(0.5 * xv - 0.001 * t);
            }
        }
        return out;
    }

    /**
     * The official DPM-Solver model_wrapper with guidance_type "classifier-free" around the analytic model:
     * only the conditional pass at guidance 1, otherwise uncond + g (cond - uncond) in float32; epsilon only.
     */
    static DiffusionModel dpmWrapper(float[] cond, float[] uncond, float guidance) {
        return (x, t) -> {
            int[] s = x.shape();
            float[] xs = x.floats();
            float[] condOut = Latents.channels(Tensor.of(output(xs, s, t, cond), s[0], 2 * s[1], s[2], s[3]), s, 0, s[1]);
            if (guidance == 1f) return Tensor.of(condOut, s);
            float[] uncondOut = Latents.channels(Tensor.of(output(xs, s, t, uncond), s[0], 2 * s[1], s[2], s[3]), s, 0, s[1]);
            float[] g = new float[condOut.length];
            for (int i = 0; i < g.length; i++) g[i] = uncondOut[i] + guidance * (condOut[i] - uncondOut[i]);
            return Tensor.of(g, s);
        };
    }

    /** The analytic model alone: all 8 channels for condition c. */
    static DiffusionModel plain(float[] cond) {
        return (x, t) -> {
            int[] s = x.shape();
            return Tensor.of(output(x.floats(), s, t, cond), s[0], 2 * s[1], s[2], s[3]);
        };
    }
}
