package org.dimba4j.train.run;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.train.DimbaTrainer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Before an update: the loss and every gradient must be finite (else {@link NonFiniteException} names the first bad
 * one, in state-dict order), and their total L2 norm, for the log and for clipping as
 * {@code torch.nn.utils.clip_grad_norm_} (coefficient {@code max / (norm + 1e-6)}, applied only when below 1).
 */
final class GradientCheck {
    record Result(float loss, double norm, Map<String, Tensor> gradients) {
        Map<String, Tensor> clipped(Backend be, double maxNorm) {
            double coef = maxNorm / (norm + 1e-6);
            if (maxNorm <= 0 || coef >= 1) return gradients;
            Map<String, Tensor> out = new LinkedHashMap<>();
            gradients.forEach((n, g) -> out.put(n, be.scale(g, (float) coef)));
            return out;
        }
    }

    private GradientCheck() {}

    static Result check(Backend be, DimbaTrainer.Step s, int step) {
        float loss = be.download(s.loss()).getFlat(0);
        if (!Float.isFinite(loss)) throw new NonFiniteException("loss", step, "value " + loss);
        double sumSq = 0;
        for (var e : s.gradients().entrySet()) {
            // reduced where the gradient lives: one number comes back per tensor, not the tensor (NaN and Inf survive
            // the sum); only a bad tensor is downloaded, to name its first bad element
            Tensor g = e.getValue();
            Tensor flat = g.reshape(Math.toIntExact(g.numel()));
            double ss = be.download(be.sum(be.mul(flat, flat), 0)).getFlat(0);
            if (!Double.isFinite(ss)) {
                float[] h = be.download(g).toFloatArray();
                for (int i = 0; i < h.length; i++) {
                    if (!Float.isFinite(h[i])) {
                        throw new NonFiniteException("grad." + e.getKey(), step, h[i] + " at element " + i + " of " + g);
                    }
                }
                throw new NonFiniteException("grad." + e.getKey(), step, "its squares overflow f32 (sum " + ss + ")");
            }
            sumSq += ss;
        }
        double norm = Math.sqrt(sumSq);
        if (!Double.isFinite(norm)) throw new NonFiniteException("the total gradient norm", step, "overflows: " + norm);
        return new Result(loss, norm, s.gradients());
    }
}
