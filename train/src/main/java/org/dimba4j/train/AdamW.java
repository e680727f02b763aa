package org.dimba4j.train;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with the semantics of {@code torch.optim.AdamW} (amsgrad off), every update written with {@link Backend}
 * ops so the moments and the parameters stay on the device:
 * <pre>
 *   p  = p * (1 - lr wd)                                   decoupled weight decay
 *   m  = m + (1 - beta1)(g - m);  v = beta2 v + (1 - beta2) g g
 *   p  = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * Each parameter counts its own steps; a parameter without a gradient is left as it is (PyTorch skips it).
 */
public final class AdamW {
    private record Moments(Tensor m, Tensor v, int step) {}

    private final Backend be;
    private final double lr, beta1, beta2, eps, weightDecay; // doubles, as PyTorch's Python floats
    private final Map<String, Moments> state = new HashMap<>();

    public AdamW(Backend be, double lr, double beta1, double beta2, double eps, double weightDecay) {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW: invalid hyper-parameters lr " + lr + ", betas (" + beta1 + ", "
                    + beta2 + "), eps " + eps + ", weight decay " + weightDecay);
        }
        this.be = be;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** torch.optim.AdamW's defaults (betas 0.9, 0.999, eps 1e-8) with the given lr and weight decay. */
    public static AdamW of(Backend be, double lr, double weightDecay) {
        return new AdamW(be, lr, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** One step over the named parameters that have a gradient in {@code grads}; returns the updated tensors by name. */
    public Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads) {
        Map<String, Tensor> updated = new LinkedHashMap<>();
        for (var e : params.entrySet()) {
            Tensor g = grads.get(e.getKey());
            if (g != null) updated.put(e.getKey(), step(e.getKey(), e.getValue(), g));
        }
        return updated;
    }

    /** One step of one parameter; returns its new value (the moments are kept under {@code name}). */
    public Tensor step(String name, Tensor param, Tensor grad) {
        return step(name, param, grad, lr);
    }

    /** One step of one parameter at learning rate {@code lr} (a schedule's value) instead of the constructor's. */
    public Tensor step(String name, Tensor param, Tensor grad, double lr) {
        if (!java.util.Arrays.equals(param.shape(), grad.shape())) {
            throw new IllegalArgumentException("AdamW: gradient of " + name + " is " + grad + ", the parameter " + param);
        }
        Moments s = state.get(name);
        Tensor m = s == null ? be.zeros(param.shape()) : s.m();
        Tensor v = s == null ? be.zeros(param.shape()) : s.v();
        int t = s == null ? 1 : s.step() + 1;

        Tensor p = weightDecay == 0 ? param : be.scale(param, (float) (1.0 - lr * weightDecay));
        m = be.add(m, be.scale(be.sub(grad, m), (float) (1.0 - beta1)));          // exp_avg.lerp_(grad, 1 - beta1)
        v = be.add(be.scale(v, (float) beta2), be.mul(be.scale(grad, (float) (1.0 - beta2)), grad));
        double biasCorrection1 = 1.0 - Math.pow(beta1, t);
        double biasCorrection2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, t));
        Tensor denom = be.affine(be.div(be.sqrt(v), be.full((float) biasCorrection2Sqrt, 1)), 1f, (float) eps);
        p = be.add(p, be.scale(be.div(m, denom), (float) -(lr / biasCorrection1)));
        state.put(name, new Moments(m, v, t));
        return p;
    }

    /** The names of the parameters that have state (took at least one step). */
    public java.util.Set<String> stateNames() {
        return java.util.Collections.unmodifiableSet(state.keySet());
    }

    /** How many steps a parameter took (0 before its first). */
    public int stepCount(String name) {
        Moments s = state.get(name);
        return s == null ? 0 : s.step();
    }

    /** Puts back a parameter's moments and step count (from a checkpoint), on this optimizer's backend. */
    public void restore(String name, Tensor m, Tensor v, int step) {
        if (!java.util.Arrays.equals(m.shape(), v.shape()) || step < 1) {
            throw new IllegalArgumentException("AdamW: state of " + name + ": moments " + m + " and " + v + ", step " + step);
        }
        state.put(name, new Moments(be.upload(m), be.upload(v), step));
    }

    /** The first moment of a parameter (null before its first step), for checkpoints and tests. */
    public Tensor firstMoment(String name) {
        Moments s = state.get(name);
        return s == null ? null : s.m();
    }

    /** The second moment of a parameter (null before its first step). */
    public Tensor secondMoment(String name) {
        Moments s = state.get(name);
        return s == null ? null : s.v();
    }
}
