package org.dimba4j.io.safetensors;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.dimba4j.io.TensorInfo;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split over several safetensors files, described by a Hugging Face {@code *.safetensors.index.json}:
 * {@code {"metadata": {...}, "weight_map": {"tensor name": "shard file name"}}}. Shards are mapped once each;
 * names come in the index's order.
 */
public final class ShardedSafetensors implements TensorSource {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Path index;
    private final Map<String, SafetensorsFile> byName;
    private final Map<String, SafetensorsFile> shards;
    private final Map<String, String> metadata;

    private ShardedSafetensors(Path index, Map<String, SafetensorsFile> byName, Map<String, SafetensorsFile> shards,
                               Map<String, String> metadata) {
        this.index = index;
        this.byName = byName;
        this.shards = shards;
        this.metadata = metadata;
    }

    /** Opens the index and every shard it names; every listed tensor must be in its shard. */
    public static ShardedSafetensors open(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(index));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("no such index file: " + index, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SafetensorsException(index + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new SafetensorsException(index + ": not a JSON object");
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) throw new SafetensorsException(index + ": no \"weight_map\" object");
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().isTextual() ? m.getValue().textValue() : m.getValue().toString()));
        }
        Path dir = index.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) throw new SafetensorsException(index + ": weight_map value of '" + e.getKey() + "' is not a file name");
                String file = e.getValue().textValue();
                SafetensorsFile shard = shards.get(file);
                if (shard == null) {
                    shard = SafetensorsFile.open(shardPath(index, dir, file));
                    shards.put(file, shard);
                }
                if (!shard.contains(e.getKey())) {
                    throw new SafetensorsException(index + ": tensor '" + e.getKey() + "' is listed in shard " + file + " but that file does not hold it");
                }
                byName.put(e.getKey(), shard);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new ShardedSafetensors(index, byName, shards, Collections.unmodifiableMap(metadata));
    }

    /** A shard must be a plain file name in the index's folder (no absolute paths, no escaping with ".."). */
    private static Path shardPath(Path index, Path dir, String file) {
        Path p = dir.resolve(file).normalize();
        if (file.isEmpty() || Path.of(file).isAbsolute() || !p.getParent().equals(dir.normalize())) {
            throw new SafetensorsException(index + ": shard '" + file + "' is not a file in " + dir);
        }
        if (!Files.isRegularFile(p)) throw new SafetensorsException(index + ": shard " + p + " is missing");
        return p;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    @Override
    public Tensor get(String name) {
        return shard(name).get(name);
    }

    @Override
    public TensorInfo info(String name) {
        return shard(name).info(name);
    }

    private SafetensorsFile shard(String name) {
        SafetensorsFile f = byName.get(name);
        if (f == null) throw new IllegalArgumentException(index + ": no tensor named '" + name + "'");
        return f;
    }

    /** The index's "metadata" object (e.g. total_size), values as strings. */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Number of shard files. */
    public int shardCount() {
        return shards.size();
    }

    @Override
    public String description() {
        return index.toString();
    }

    @Override
    public void close() {
        shards.values().forEach(SafetensorsFile::close);
    }
}
