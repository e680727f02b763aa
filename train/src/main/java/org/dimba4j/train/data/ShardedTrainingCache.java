package org.dimba4j.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.io.Shard;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * {@code dimba cache --shard i/N}: shard i encodes the examples k with {@code k % N == i} into the shared cache
 * folder, as files only it writes: {@code part-i-of-N-00000.safetensors}, ... ({@code shard_size} of its examples
 * each, in k order, the tensors of {@link TrainingCache}) and, last, its index {@code cache-part-i-of-N.json}.
 * {@link CachedTrainingData} reads the union of the N parts in the unsharded order. Every file is written aside and
 * renamed, so a rerun of a crashed shard keeps its complete files and encodes only the rest; a finished part (its
 * index present) is left as it is.
 */
public final class ShardedTrainingCache {
    private ShardedTrainingCache() {}

    static String partIndexName(Shard s) {
        return "cache-part-" + s.index() + "-of-" + s.count() + ".json";
    }

    static String partFileName(Shard s, int file) {
        return String.format("part-%d-of-%d-%05d.safetensors", s.index(), s.count(), file);
    }

    /** Whether this shard's part of {@code out} is complete. */
    public static boolean isDone(Path out, Shard shard) {
        return Files.isRegularFile(out.resolve(partIndexName(shard)));
    }

    /**
     * Encodes this shard's examples of {@code data} into {@code out} (created if needed, shared by the shards);
     * {@code progress} hears each encoded example's index k.
     */
    public static void write(OnlineTrainingData data, Path out, int shardSize, Shard shard, IntConsumer progress) {
        if (shardSize < 1) throw new IllegalArgumentException("shard size " + shardSize + " must be positive");
        if (Files.isRegularFile(out.resolve(TrainingCache.INDEX))) {
            throw new IllegalArgumentException(out + " already holds an unsharded cache (" + TrainingCache.INDEX + ")");
        }
        if (isDone(out, shard)) return;
        List<Integer> mine = new ArrayList<>();
        for (int k = 0; k < data.size(); k++) if (shard.owns(k)) mine.add(k);
        try {
            Files.createDirectories(out);
            ObjectNode index = TrainingCache.JSON.createObjectNode();
            index.put("format", TrainingCache.FORMAT).put("version", 1).put("size", data.size()).put("shard_size", shardSize)
                    .put("image_size", data.encoder().imageSize()).put("model_max_length", data.encoder().modelMaxLength())
                    .put("caption_channels", data.encoder().captionChannels()).put("source", data.folder().root().toString());
            index.putObject("shard").put("index", shard.index()).put("count", shard.count());
            ArrayNode ids = index.putArray("ids"), shards = index.putArray("shards");
            int[] latentShape = null;
            for (int start = 0, f = 0; start < mine.size(); start += shardSize, f++) {
                int n = Math.min(shardSize, mine.size() - start);
                Path file = out.resolve(partFileName(shard, f));
                for (int i = 0; i < n; i++) ids.add(data.folder().entry(mine.get(start + i)).fileName());
                shards.add(file.getFileName().toString());
                if (Files.isRegularFile(file)) { // renamed into place only when complete: a crashed run's finished file
                    if (latentShape == null) latentShape = latentShape(file);
                    continue;
                }
                TrainingExample[] ex = new TrainingExample[n];
                for (int i = 0; i < n; i++) {
                    ex[i] = data.get(mine.get(start + i));
                    progress.accept(mine.get(start + i));
                }
                latentShape = ex[0].latentMean().shape();
                Map<String, Tensor> t = new LinkedHashMap<>();
                t.put("latent_mean", TrainingCache.stackFloats(ex, 0));
                t.put("latent_logvar", TrainingCache.stackFloats(ex, 1));
                t.put("caption", TrainingCache.stackFloats(ex, 2));
                t.put("caption_mask", TrainingCache.stackMasks(ex));
                t.put(TrainingCache.INPUT_IDS, TrainingCache.stackIds(ex));
                SafetensorsWriter.write(file, t, Map.of("format", TrainingCache.FORMAT));
            }
            if (latentShape != null) {
                ArrayNode ls = index.putArray("latent_shape");
                for (int d : latentShape) ls.add(d);
            }
            Path indexFile = out.resolve(partIndexName(shard));
            // unique per writer: two attempts at one shard (a retried Spark task beside a slow one) never share it
            Path aside = out.resolve("." + indexFile.getFileName() + ".partial-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().threadId());
            TrainingCache.JSON.writerWithDefaultPrettyPrinter().writeValue(aside.toFile(), index);
            Files.move(aside, indexFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write shard " + shard + " of cache " + out + ": " + e.getMessage(), e);
        }
    }

    private static int[] latentShape(Path file) {
        try (var f = org.dimba4j.io.safetensors.SafetensorsFile.open(file)) {
            int[] s = f.info("latent_mean").shape();
            return new int[] {s[1], s[2], s[3]};
        }
    }

    /** The part indexes in {@code dir}, by shard index, or null when there are none; checks they form one whole. */
    static JsonNode[] parts(Path dir) {
        List<Path> found = new ArrayList<>();
        try (var s = Files.newDirectoryStream(dir, "cache-part-*-of-*.json")) {
            for (Path p : s) found.add(p);
        } catch (IOException e) {
            return null;
        }
        if (found.isEmpty()) return null;
        JsonNode[] parts = null;
        for (Path p : found) {
            JsonNode n;
            try {
                n = TrainingCache.JSON.readTree(p.toFile());
            } catch (IOException e) {
                throw new DatasetException("cannot read " + p + ": " + e.getMessage(), e);
            }
            int i = n.path("shard").path("index").asInt(-1), count = n.path("shard").path("count").asInt(-1);
            if (count < 1 || i < 0 || i >= count || !p.getFileName().toString().equals(partIndexName(new Shard(i, count)))) {
                throw new DatasetException(p + ": its \"shard\" does not match its name");
            }
            if (parts == null) parts = new JsonNode[count];
            if (parts.length != count) throw new DatasetException("cache " + dir + " mixes parts of " + parts.length + " and " + count + " shards");
            parts[i] = n;
        }
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] == null) {
                throw new DatasetException("cache " + dir + ": shard " + i + "/" + parts.length + " is missing or unfinished (run dimba cache --shard "
                        + i + "/" + parts.length + ")");
            }
        }
        return parts;
    }
}
