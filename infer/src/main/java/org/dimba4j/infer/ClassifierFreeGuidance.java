package org.dimba4j.infer;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.diffusion.DiffusionModel;

import java.util.Arrays;

/**
 * Classifier-free guidance (Ho and Salimans 2022) around the denoiser, in the two forms the official
 * scripts/inference.py uses:
 * <ul>
 *   <li>{@link Form#DPM_SOLVER}: dpm_solver.model_wrapper(guidance_type="classifier-free") over
 *       forward_with_dpmsolver: one batch [uncond; cond], guided = uncond + s (cond - uncond) on the epsilon
 *       channels (the first {@code latentChannels} of the output; the variance channels are dropped). At a
 *       scale of exactly 1 only the conditional pass runs.</li>
 *   <li>{@link Form#IDDPM}: forward_with_cfg: one batch [cond; uncond], guidance on the first 3 output
 *       channels only (the official code keeps DiT's hard-coded {@code model_out[:, :3]}), every other
 *       channel, epsilon channel 3 and the variance included, from the conditional half.</li>
 * </ul>
 * The caption masks go with their halves; the official script passes the prompt's mask for both, which
 * cuts the null caption T5("") to the prompt's token count.
 */
public final class ClassifierFreeGuidance implements DiffusionModel {

    /** The denoiser call: x [N, C, h, w], timestep [1], y [N, 1, L, D], mask [N, L] -> [N, K, h, w]. */
    @FunctionalInterface
    public interface Denoiser {
        Tensor forward(Tensor x, Tensor timestep, Tensor y, Tensor mask);
    }

    /** Which official wrapper to reproduce. */
    public enum Form { DPM_SOLVER, IDDPM }

    private static final int IDDPM_GUIDED_CHANNELS = 3;

    private final Denoiser denoiser;
    private final Backend backend;
    private final Form form;
    private final float scale;
    private final int latentChannels;
    private final Tensor cond;
    private final Tensor condMask;
    private final Tensor pairY;
    private final Tensor pairMask;

    /**
     * @param cond       prompt features [B, 1, L, D]
     * @param condMask   prompt mask [B, L] (I64)
     * @param uncond     unconditional features [B, 1, L, D]
     * @param uncondMask the mask for the unconditional half [B, L] (the prompt's, as the official script)
     */
    public ClassifierFreeGuidance(Denoiser denoiser, Backend backend, Form form, double scale, int latentChannels,
                                  Tensor cond, Tensor condMask, Tensor uncond, Tensor uncondMask) {
        if (!Arrays.equals(cond.shape(), uncond.shape())) {
            throw new IllegalArgumentException("conditional features " + Arrays.toString(cond.shape())
                    + " and unconditional " + Arrays.toString(uncond.shape()) + " must have the same shape");
        }
        this.denoiser = denoiser;
        this.backend = backend;
        this.form = form;
        this.scale = (float) scale;
        this.latentChannels = latentChannels;
        this.cond = cond;
        this.condMask = condMask;
        boolean condFirst = form == Form.IDDPM;
        Tensor a = condFirst ? cond : uncond;
        Tensor b = condFirst ? uncond : cond;
        this.pairY = backend.concat(0, a, b);
        this.pairMask = concatLongs(condFirst ? condMask : uncondMask, condFirst ? uncondMask : condMask);
    }

    /** True when only the conditional pass runs (guidance scale exactly 1). */
    public boolean conditionalOnly() {
        return scale == 1f;
    }

    @Override
    public Tensor predict(Tensor x, float modelTime) {
        Tensor t = Tensor.of(new float[] {modelTime}, 1);
        int[] s = x.shape();
        if (conditionalOnly()) {
            Tensor out = backend.download(denoiser.forward(x, t, cond, condMask));
            return form == Form.DPM_SOLVER ? channels(out, 0, latentChannels) : out;
        }
        Tensor out = backend.download(denoiser.forward(backend.concat(0, x, x), t, pairY, pairMask));
        int b = s[0];
        int k = out.dim(1);
        int plane = s[2] * s[3];
        float[] o = out.floats();
        int guided = form == Form.DPM_SOLVER ? latentChannels : IDDPM_GUIDED_CHANNELS;
        int keep = form == Form.DPM_SOLVER ? latentChannels : k;
        int condHalf = form == Form.DPM_SOLVER ? b : 0;
        int uncondHalf = form == Form.DPM_SOLVER ? 0 : b;
        float[] r = new float[b * keep * plane];
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < keep; c++) {
                int dst = (i * keep + c) * plane;
                int co = ((condHalf + i) * k + c) * plane;
                int un = ((uncondHalf + i) * k + c) * plane;
                for (int p = 0; p < plane; p++) {
                    r[dst + p] = c < guided ? o[un + p] + scale * (o[co + p] - o[un + p]) : o[co + p];
                }
            }
        }
        return Tensor.of(r, b, keep, s[2], s[3]);
    }

    private static Tensor channels(Tensor out, int from, int to) {
        int[] s = out.shape();
        if (s[1] == to - from) return out;
        int plane = s[2] * s[3];
        float[] src = out.floats();
        float[] dst = new float[s[0] * (to - from) * plane];
        for (int b = 0; b < s[0]; b++) {
            System.arraycopy(src, (b * s[1] + from) * plane, dst, b * (to - from) * plane, (to - from) * plane);
        }
        return Tensor.of(dst, s[0], to - from, s[2], s[3]);
    }

    private static Tensor concatLongs(Tensor a, Tensor b) {
        long[] x = a.toLongArray();
        long[] y = b.toLongArray();
        long[] z = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, z, x.length, y.length);
        int[] s = a.shape();
        s[0] *= 2;
        return Tensor.ofLongs(z, s);
    }
}
