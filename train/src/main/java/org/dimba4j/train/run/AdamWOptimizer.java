package org.dimba4j.train.run;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.train.AdamW;
import org.dimba4j.train.optim.Optimizer;
import org.dimba4j.train.optim.OptimizerState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainer's {@link AdamW} (torch.optim.AdamW semantics) as an {@link Optimizer}: state as {@code exp_avg.<name>}
 * and {@code exp_avg_sq.<name>} tensors and {@code step.<name>} scalars, PyTorch's state-dict names.
 */
public final class AdamWOptimizer implements Optimizer {
    private final Backend be;
    private final AdamW adamw;

    public AdamWOptimizer(Backend be, double beta1, double beta2, double eps, double weightDecay) {
        this.be = be;
        this.adamw = new AdamW(be, 0, beta1, beta2, eps, weightDecay);
    }

    /** torch.optim.AdamW's defaults (0.9, 0.999, 1e-8) with the given weight decay. */
    public static AdamWOptimizer of(Backend be, double weightDecay) {
        return new AdamWOptimizer(be, 0.9, 0.999, 1e-8, weightDecay);
    }

    @Override
    public Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr) {
        Map<String, Tensor> updated = new LinkedHashMap<>();
        for (var e : params.entrySet()) {
            Tensor g = grads.get(e.getKey());
            if (g != null) updated.put(e.getKey(), adamw.step(e.getKey(), e.getValue(), g, lr));
        }
        return updated;
    }

    @Override
    public OptimizerState state() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Double> scalars = new LinkedHashMap<>();
        for (String n : adamw.stateNames()) {
            tensors.put("exp_avg." + n, be.download(adamw.firstMoment(n)));
            tensors.put("exp_avg_sq." + n, be.download(adamw.secondMoment(n)));
            scalars.put("step." + n, (double) adamw.stepCount(n));
        }
        return new OptimizerState(name(), tensors, scalars);
    }

    @Override
    public void restore(OptimizerState state) {
        if (!name().equals(state.optimizer())) {
            throw new IllegalArgumentException("adamw cannot restore the state of optimizer " + state.optimizer());
        }
        for (var e : state.scalars().entrySet()) {
            if (!e.getKey().startsWith("step.")) throw new IllegalArgumentException("adamw: unknown state scalar " + e.getKey());
            String n = e.getKey().substring("step.".length());
            Tensor m = state.tensors().get("exp_avg." + n), v = state.tensors().get("exp_avg_sq." + n);
            if (m == null || v == null) throw new IllegalArgumentException("adamw state of " + n + " lacks exp_avg or exp_avg_sq");
            adamw.restore(n, m, v, e.getValue().intValue());
        }
    }

    @Override
    public String name() {
        return "adamw";
    }
}
