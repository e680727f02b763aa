package org.dimba4j.model.t5;

import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The weights of a Hugging Face model folder: {@code model.safetensors}, or shards listed in
 * {@code model.safetensors.index.json}, or the one checkpoint file there. Safetensors are memory-mapped;
 * tensors are views of the mappings. Lookups check shapes and name the key and both shapes.
 */
final class T5Checkpoint implements AutoCloseable {
    private final Path dir;
    private final TensorSource source;

    private T5Checkpoint(Path dir, TensorSource source) {
        this.dir = dir;
        this.source = source;
    }

    /**
     * Hugging Face's own choice first (model.safetensors.index.json, then model.safetensors, so a folder may hold
     * other files too), else whatever single checkpoint {@link Checkpoints#open} finds (e.g. pytorch_model.bin).
     */
    static T5Checkpoint open(Path dir) {
        return new T5Checkpoint(dir, Checkpoints.open(weightsPath(dir)));
    }

    /** What {@link #open} opens in {@code dir}. */
    static Path weightsPath(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json"), single = dir.resolve("model.safetensors");
        return Files.isRegularFile(index) ? index : Files.isRegularFile(single) ? single : dir;
    }

    /** Tensors already in memory (a training run's parameters), under the same key names as a folder's. */
    static T5Checkpoint of(TensorSource source) {
        return new T5Checkpoint(Path.of(source.description()), source);
    }

    boolean contains(String key) {
        return source.contains(key);
    }

    /** The tensor {@code key}, which must have {@code shape}. */
    Tensor get(String key, int... shape) {
        if (!source.contains(key)) {
            throw new IllegalArgumentException(dir + ": missing tensor '" + key + "' (expected shape " + Shape.str(shape) + ")");
        }
        Tensor t = source.get(key);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(source.description() + ": tensor '" + key + "' has shape " + Shape.str(t.shape())
                    + ", config.json expects " + Shape.str(shape));
        }
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(source.description() + ": tensor '" + key + "' is " + t.dtype() + ", expected a float type");
        }
        return t;
    }

    @Override
    public void close() {
        source.close();
    }
}
