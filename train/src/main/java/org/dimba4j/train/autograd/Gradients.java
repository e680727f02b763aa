package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Storage;
import org.dimba4j.kernels.Tensor;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The gradients of the watched tensors that {@link TapeBackend#backward} found, keyed (like the tape) by storage, so a
 * reshaped view of a parameter finds the same gradient. A watched tensor the loss does not depend on has none (as a
 * PyTorch parameter whose {@code .grad} stays None).
 */
public final class Gradients {
    private final Map<Storage, Tensor> byStorage;

    Gradients(Map<Storage, Tensor> byStorage) {
        this.byStorage = new IdentityHashMap<>(byStorage);
    }

    /** The gradient of {@code watched}, in its shape, on the inner backend; null when the loss does not depend on it. */
    public Tensor get(Tensor watched) {
        Tensor g = byStorage.get(watched.storage());
        return g == null ? null : g.reshape(watched.shape());
    }

    /** Whether the loss depends on {@code watched}. */
    public boolean has(Tensor watched) {
        return byStorage.containsKey(watched.storage());
    }

    /** How many watched tensors received a gradient. */
    public int size() {
        return byStorage.size();
    }
}
