package org.dimba4j.train.optim;

import org.dimba4j.kernels.Tensor;

import java.util.Map;

/**
 * A first-order optimizer over named f32 parameters (the names are state-dict names). Implementations keep their
 * per-parameter state (moments, step counts) under those names, so a checkpoint can save it with {@link #state()} and
 * a resumed run put it back with {@link #restore(OptimizerState)} and continue bit for bit. The tensors of one
 * {@link #step(Map, Map, double)} may be updated concurrently ({@link TensorParallelSteps}), so the per-name step must
 * touch only that name's state (in a concurrent map).
 */
public interface Optimizer {
    /**
     * One step at learning rate {@code lr} (the schedule is the caller's) over the parameters that have a gradient in
     * {@code grads}; parameters without one are left as they are, as PyTorch skips them. Returns the updated tensors by
     * name; the inputs are not modified. A learning rate of 0 is legal: the official warm-up starts at 0 (came_pytorch
     * and torch check lr > 0 only at construction, where the scheduler's base lr is given).
     */
    default Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr) {
        return TensorParallelSteps.step(this, params, grads, lr);
    }

    /** One step of one parameter; returns its new value (its state is kept under {@code name}). */
    Tensor step(String name, Tensor param, Tensor grad, double lr);

    /** Everything needed to continue exactly: named tensors (host f32) and scalars. */
    OptimizerState state();

    /** Puts back a state written by {@link #state()} of an optimizer of the same kind and hyper-parameters. */
    void restore(OptimizerState state);

    /** The optimizer's name in {@code train.json} and on the command line ({@code came}, {@code adamw}). */
    String name();
}
