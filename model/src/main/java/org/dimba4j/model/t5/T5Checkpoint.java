package org.dimba4j.model.t5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The weights of a Hugging Face model folder: {@code model.safetensors}, or shards listed in
 * {@code model.safetensors.index.json}, or the one {@code *.safetensors} file there. Every shard is
 * memory-mapped; tensors are views of the mappings. Lookups check shapes and name the key and both shapes.
 */
final class T5Checkpoint implements AutoCloseable {
    private final Path dir;
    private final List<SafetensorsFile> files = new ArrayList<>();
    private final Map<String, SafetensorsFile> byName = new LinkedHashMap<>();

    private T5Checkpoint(Path dir) {
        this.dir = dir;
    }

    static T5Checkpoint open(Path dir) {
        T5Checkpoint c = new T5Checkpoint(dir);
        try {
            Path index = dir.resolve("model.safetensors.index.json");
            if (Files.isRegularFile(index)) {
                c.openIndex(index);
            } else if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
                c.add(SafetensorsFile.open(dir.resolve("model.safetensors")));
            } else {
                List<Path> found;
                try (Stream<Path> s = Files.list(dir)) {
                    found = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
                }
                if (found.size() != 1) {
                    throw new IllegalArgumentException(dir + ": expected model.safetensors, model.safetensors.index.json or one *.safetensors file, found "
                            + found.size() + " .safetensors files");
                }
                c.add(SafetensorsFile.open(found.getFirst()));
            }
            return c;
        } catch (IOException e) {
            c.close();
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void openIndex(Path index) throws IOException {
        JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        if (!map.isObject()) throw new IllegalArgumentException(index + ": no weight_map object");
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        for (var it = map.fields(); it.hasNext(); ) {
            var e = it.next();
            String shard = e.getValue().asText();
            SafetensorsFile f = shards.get(shard);
            if (f == null) {
                Path p = index.resolveSibling(shard);
                if (!Files.isRegularFile(p)) throw new IllegalArgumentException(index + ": shard '" + shard + "' (for '" + e.getKey() + "') does not exist");
                f = SafetensorsFile.open(p);
                shards.put(shard, f);
                files.add(f);
            }
            if (!f.contains(e.getKey())) throw new IllegalArgumentException(index + ": shard '" + shard + "' has no tensor '" + e.getKey() + "'");
            byName.put(e.getKey(), f);
        }
    }

    private void add(SafetensorsFile f) {
        files.add(f);
        for (String n : f.names()) byName.put(n, f);
    }

    Set<String> names() {
        return byName.keySet();
    }

    boolean contains(String key) {
        return byName.containsKey(key);
    }

    /** The tensor {@code key}, which must have {@code shape}. */
    Tensor get(String key, int... shape) {
        TensorSource f = byName.get(key);
        if (f == null) {
            throw new IllegalArgumentException(dir + ": missing tensor '" + key + "' (expected shape " + Shape.str(shape) + ")");
        }
        Tensor t = f.get(key);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(f.description() + ": tensor '" + key + "' has shape " + Shape.str(t.shape())
                    + ", config.json expects " + Shape.str(shape));
        }
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(f.description() + ": tensor '" + key + "' is " + t.dtype() + ", expected a float type");
        }
        return t;
    }

    @Override
    public void close() {
        for (SafetensorsFile f : files) f.close();
        files.clear();
    }
}
