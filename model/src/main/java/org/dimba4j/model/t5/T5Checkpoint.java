package org.dimba4j.model.t5;

import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.ShardedSafetensors;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The weights of a Hugging Face model folder: {@code model.safetensors}, or shards listed in
 * {@code model.safetensors.index.json}, or the one {@code *.safetensors} file there. Every shard is
 * memory-mapped; tensors are views of the mappings. Lookups check shapes and name the key and both shapes.
 */
final class T5Checkpoint implements AutoCloseable {
    private final Path dir;
    private final TensorSource source;

    private T5Checkpoint(Path dir, TensorSource source) {
        this.dir = dir;
        this.source = source;
    }

    // TODO(io): replace the file choice with org.dimba4j.io.Checkpoints.open(dir) once it is in main
    static T5Checkpoint open(Path dir) {
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) return new T5Checkpoint(dir, ShardedSafetensors.open(index));
        if (Files.isRegularFile(dir.resolve("model.safetensors"))) return new T5Checkpoint(dir, SafetensorsFile.open(dir.resolve("model.safetensors")));
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (found.size() != 1) {
            throw new IllegalArgumentException(dir + ": expected model.safetensors, model.safetensors.index.json or one *.safetensors file, found "
                    + found.size() + " .safetensors files");
        }
        return new T5Checkpoint(dir, SafetensorsFile.open(found.getFirst()));
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
