package org.dimba4j.train.optim;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Clipping by the total L2 norm over all gradients, as {@code torch.nn.utils.clip_grad_norm_} (the official Dimba
 * config clips at 0.05): every gradient is multiplied by {@code min(1, max_norm / (total_norm + 1e-6))}. The norm is
 * summed in double in the map's order, so it does not depend on any thread count.
 */
public final class GradientClipping {
    /** The official Dimba {@code gradient_clip}. */
    public static final double OFFICIAL_MAX_NORM = 0.05;

    /** The clipped gradients and the total norm before clipping (what the official loop logs as grad_norm). */
    public record Clipped(Map<String, Tensor> gradients, double totalNorm) {}

    private GradientClipping() {}

    /** The total L2 norm of the gradients. */
    public static double totalNorm(Backend be, Map<String, Tensor> grads) {
        double sumSq = 0;
        for (Tensor g : grads.values()) {
            for (float x : HostTensors.read(be, g)) sumSq += (double) x * x;
        }
        return Math.sqrt(sumSq);
    }

    /**
     * Scales every gradient by {@code min(1, maxNorm / (norm + 1e-6))} (also when that is 1, as torch does).
     *
     * @param be the backend of the gradients (null: host tensors only)
     */
    public static Clipped clip(Backend be, Map<String, Tensor> grads, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("gradient clipping: max norm must be > 0, got " + maxNorm);
        double norm = totalNorm(be, grads);
        if (!Double.isFinite(norm)) throw new IllegalArgumentException("gradient clipping: the total norm is " + norm);
        float coef = (float) Math.min(1.0, maxNorm / (norm + 1e-6));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : grads.entrySet()) {
            float[] g = HostTensors.read(be, e.getValue()), c = new float[g.length];
            for (int i = 0; i < g.length; i++) c[i] = g[i] * coef;
            out.put(e.getKey(), HostTensors.write(be, e.getValue(), c));
        }
        return new Clipped(out, norm);
    }
}
