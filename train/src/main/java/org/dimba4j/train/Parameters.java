package org.dimba4j.train;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model's tensors held in memory, by name, as f32 master copies on one backend (on the device for a GPU backend).
 * It is a {@link TensorSource}, so a model is built over it exactly as over a checkpoint; an optimizer step makes a new
 * {@code Parameters} with the updated tensors (ops are pure), and the next forward builds the model over that.
 */
public final class Parameters implements TensorSource {
    private final Map<String, Tensor> tensors;
    private final String description;

    private Parameters(Map<String, Tensor> tensors, String description) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.description = description;
    }

    /** Tensors given by name (kept in the map's order, not copied). */
    public static Parameters of(Map<String, Tensor> tensors, String description) {
        return new Parameters(tensors, description);
    }

    /** Every tensor of {@code source} widened to f32 and uploaded to {@code be} (the source can be closed afterwards). */
    public static Parameters copyOf(TensorSource source, Backend be) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String name : source.names()) m.put(name, be.upload(source.get(name).toF32()));
        return new Parameters(m, "parameters from " + source.description());
    }

    /** This set with some tensors replaced (same names, same shapes). */
    public Parameters with(Map<String, Tensor> updated) {
        Map<String, Tensor> m = new LinkedHashMap<>(tensors);
        for (var e : updated.entrySet()) {
            Tensor old = m.get(e.getKey());
            if (old == null) throw new IllegalArgumentException(description + ": no tensor named " + e.getKey());
            if (!java.util.Arrays.equals(old.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException(description + ": tensor " + e.getKey() + " has shape "
                        + java.util.Arrays.toString(old.shape()) + ", the update " + java.util.Arrays.toString(e.getValue().shape()));
            }
            m.put(e.getKey(), e.getValue());
        }
        return new Parameters(m, description);
    }

    /** How many numbers the tensors hold together (the model's parameter count, buffers included). */
    public long elementCount() {
        return tensors.values().stream().mapToLong(Tensor::numel).sum();
    }

    /** The tensors by name, in order (unmodifiable). */
    public Map<String, Tensor> asMap() {
        return tensors;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(description + ": no tensor named " + name);
        return t;
    }

    @Override
    public String description() {
        return description;
    }
}
