package org.dimba4j.io;

import org.dimba4j.kernels.Tensor;

import java.util.Map;
import java.util.Set;

/**
 * Named tensors from a checkpoint (safetensors file, shards, or a torch .pt archive). Tensors are views of
 * mapped memory where the format allows; closing the source invalidates them.
 */
public interface TensorSource extends AutoCloseable {
    /** Tensor names in file order. */
    Set<String> names();

    /** The tensor, or an exception naming the key and the file when it is missing. */
    Tensor get(String name);

    /**
     * Dtype and shape of a tensor without materialising it (a non-contiguous torch view is only copied by
     * {@link #get}); the default asks {@link #get}.
     */
    default TensorInfo info(String name) {
        Tensor t = get(name);
        return new TensorInfo(t.dtype(), t.shape());
    }

    default boolean contains(String name) {
        return names().contains(name);
    }

    /** The file's free-form metadata (safetensors {@code __metadata__}); empty when none. */
    default Map<String, String> metadata() {
        return Map.of();
    }

    /** Where the tensors come from, for error messages. */
    String description();

    @Override
    default void close() {}
}
