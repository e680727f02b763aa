package org.dimba4j.train.optim;

import org.dimba4j.kernels.Tensor;

import java.util.Map;

/**
 * An optimizer's state as named host tensors (e.g. {@code exp_avg.<param>}) plus named scalars (e.g. {@code step.<param>}),
 * the form a checkpoint stores: tensors in a safetensors file, scalars in its JSON.
 */
public record OptimizerState(String optimizer, Map<String, Tensor> tensors, Map<String, Double> scalars) {
    public OptimizerState {
        tensors = Map.copyOf(tensors);
        scalars = Map.copyOf(scalars);
    }
}
