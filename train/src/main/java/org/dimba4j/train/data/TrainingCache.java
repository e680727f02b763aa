package org.dimba4j.train.data;

import org.dimba4j.io.FileTrees;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * Writes what {@code dimba cache} makes: a folder with {@value #INDEX} and shards {@code shard-00000.safetensors}...,
 * each holding {@code shard_size} consecutive examples stacked as {@code latent_mean}, {@code latent_logvar}
 * F32 [k, 4, h, w], {@code caption} F32 [k, L, D] and {@code caption_mask} I64 [k, L]. The folder is built beside
 * the target and renamed into place only when complete, so a cache folder is never half written.
 */
public final class TrainingCache {
    public static final String INDEX = "cache.json";
    public static final String FORMAT = "dimba4j-training-cache";
    /**
     * The shards' caption token ids, I64 [k, L]: written since the text encoder can be trained; older caches lack
     * them and serve every use but {@code --train-text-encoder}.
     */
    public static final String INPUT_IDS = "input_ids";
    static final ObjectMapper JSON = new ObjectMapper();

    private TrainingCache() {}

    static String shardName(int s) {
        return String.format("shard-%05d.safetensors", s);
    }

    /**
     * Encodes every example of {@code data} once and writes the cache to {@code out} (which must not exist or be
     * empty). {@code progress} hears each example index as it is done.
     */
    public static void write(OnlineTrainingData data, Path out, int shardSize, IntConsumer progress) {
        if (shardSize < 1) throw new IllegalArgumentException("shard size " + shardSize + " must be positive");
        if (Files.exists(out) && !isEmptyDir(out)) throw new IllegalArgumentException("cache folder " + out + " already exists and is not empty");
        Path abs = out.toAbsolutePath();
        Path aside = abs.resolveSibling("." + abs.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            FileTrees.delete(aside);
            Files.createDirectories(aside);
            ObjectNode index = JSON.createObjectNode();
            index.put("format", FORMAT).put("version", 1).put("size", data.size()).put("shard_size", shardSize)
                    .put("image_size", data.encoder().imageSize()).put("model_max_length", data.encoder().modelMaxLength())
                    .put("caption_channels", data.encoder().captionChannels()).put("source", data.folder().root().toString());
            ArrayNode ids = index.putArray("ids"), shards = index.putArray("shards");
            int[] latentShape = null;
            for (int start = 0, s = 0; start < data.size(); start += shardSize, s++) {
                int k = Math.min(shardSize, data.size() - start);
                TrainingExample[] ex = new TrainingExample[k];
                for (int i = 0; i < k; i++) {
                    ex[i] = data.get(start + i);
                    ids.add(ex[i].id());
                    progress.accept(start + i);
                }
                latentShape = ex[0].latentMean().shape();
                Map<String, Tensor> t = new LinkedHashMap<>();
                t.put("latent_mean", stackFloats(ex, 0));
                t.put("latent_logvar", stackFloats(ex, 1));
                t.put("caption", stackFloats(ex, 2));
                t.put("caption_mask", stackMasks(ex));
                t.put(INPUT_IDS, stackIds(ex));
                SafetensorsWriter.write(aside.resolve(shardName(s)), t, Map.of("format", FORMAT));
                shards.add(shardName(s));
            }
            ArrayNode ls = index.putArray("latent_shape");
            for (int d : latentShape) ls.add(d);
            JSON.writerWithDefaultPrettyPrinter().writeValue(aside.resolve(INDEX).toFile(), index);
            if (Files.exists(out)) Files.delete(out); // empty, checked above
            Files.move(aside, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write cache " + out + ": " + e.getMessage(), e);
        } finally {
            try {
                FileTrees.delete(aside);
            } catch (IOException ignored) {
                // the leftover is a hidden .partial folder; the error that brought us here matters more
            }
        }
    }

    private static Tensor pick(TrainingExample e, int which) {
        return switch (which) {
            case 0 -> e.latentMean();
            case 1 -> e.latentLogvar();
            default -> e.caption();
        };
    }

    static Tensor stackFloats(TrainingExample[] ex, int which) {
        int[] shape = pick(ex[0], which).shape();
        int n = Math.toIntExact(pick(ex[0], which).numel());
        float[] all = new float[Math.multiplyExact(n, ex.length)];
        for (int i = 0; i < ex.length; i++) {
            Tensor t = pick(ex[i], which);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalStateException(ex[i].id() + ": shape " + Arrays.toString(t.shape()) + " differs from " + Arrays.toString(shape));
            }
            System.arraycopy(t.toFloatArray(), 0, all, i * n, n);
        }
        int[] stacked = new int[shape.length + 1];
        stacked[0] = ex.length;
        System.arraycopy(shape, 0, stacked, 1, shape.length);
        return Tensor.of(all, stacked);
    }

    /** The caption token ids, I64 [k, L]: every example must have them (an encoder's examples do). */
    static Tensor stackIds(TrainingExample[] ex) {
        int len = ex[0].captionMask().dim(0);
        long[] all = new long[len * ex.length];
        for (int i = 0; i < ex.length; i++) {
            if (ex[i].inputIds() == null) throw new IllegalStateException(ex[i].id() + ": no input_ids to cache");
            System.arraycopy(ex[i].inputIds().toLongArray(), 0, all, i * len, len);
        }
        return Tensor.ofLongs(all, ex.length, len);
    }

    static Tensor stackMasks(TrainingExample[] ex) {
        int len = ex[0].captionMask().dim(0);
        long[] all = new long[len * ex.length];
        for (int i = 0; i < ex.length; i++) System.arraycopy(ex[i].captionMask().toLongArray(), 0, all, i * len, len);
        return Tensor.ofLongs(all, ex.length, len);
    }

    private static boolean isEmptyDir(Path p) {
        if (!Files.isDirectory(p)) return false;
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
