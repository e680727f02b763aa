package org.dimba4j.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A cache folder written by {@link TrainingCache} ({@code dimba cache}): shards memory-mapped, example i read from
 * row i % shard_size of shard i / shard_size (for a sharded cache, {@link ShardedTrainingCache}, from its part i % N), copied out so the example outlives nothing.
 */
public final class CachedTrainingData implements TrainingData {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path dir;
    private final int size, imageSize, modelMaxLength, captionChannels;
    private final int[] latentShape;
    private final String[] ids;
    private final SafetensorsFile[] shards;
    /** Example k lives in row rowOf[k] of shards[fileOf[k]]. */
    private final int[] fileOf, rowOf;
    /** Whether every shard holds the captions' token ids (caches written before they were added do not). */
    private final boolean hasInputIds;

    /**
     * {@code parts}: the one index of an unsharded cache, or the N part indexes of {@code dimba cache --shard i/N}
     * (part p holds the examples k with k % N == p, in k order).
     */
    private CachedTrainingData(Path dir, JsonNode[] parts) {
        this.dir = dir;
        JsonNode first = parts[0];
        this.size = first.path("size").asInt(-1);
        this.imageSize = first.path("image_size").asInt(-1);
        this.modelMaxLength = first.path("model_max_length").asInt(-1);
        this.captionChannels = first.path("caption_channels").asInt(-1);
        JsonNode ls = null;
        for (JsonNode p : parts) if (p.has("latent_shape")) ls = p.path("latent_shape");
        if (size < 1 || modelMaxLength < 1 || captionChannels < 1 || ls == null || ls.size() != 3) {
            throw new DatasetException(dir.resolve(TrainingCache.INDEX) + " is inconsistent (size, model_max_length, caption_channels or latent_shape)");
        }
        this.latentShape = new int[] {ls.get(0).asInt(), ls.get(1).asInt(), ls.get(2).asInt()};
        this.ids = new String[size];
        this.fileOf = new int[size];
        this.rowOf = new int[size];
        int n = parts.length, files = 0;
        for (JsonNode p : parts) files += p.path("shards").size();
        this.shards = new SafetensorsFile[files];
        int base = 0, withIds = 0;
        for (int part = 0; part < n; part++) {
            JsonNode index = parts[part];
            String name = n == 1 ? TrainingCache.INDEX : ShardedTrainingCache.partIndexName(new org.dimba4j.io.Shard(part, n));
            int shardSize = index.path("shard_size").asInt(-1), count = size > part ? (size - part + n - 1) / n : 0;
            JsonNode idNode = index.path("ids"), shardNode = index.path("shards");
            if (index.path("size").asInt(-1) != size || index.path("image_size").asInt(-1) != imageSize
                    || index.path("model_max_length").asInt(-1) != modelMaxLength || index.path("caption_channels").asInt(-1) != captionChannels
                    || (index.has("latent_shape") && !index.path("latent_shape").equals(ls))) {
                throw new DatasetException(dir.resolve(name) + " disagrees with " + dir.resolve(parts.length == 1 ? TrainingCache.INDEX
                        : ShardedTrainingCache.partIndexName(new org.dimba4j.io.Shard(0, n))) + " (size, image_size, model_max_length, caption_channels or latent_shape)");
            }
            if (shardSize < 1 || idNode.size() != count || shardNode.size() != (count + shardSize - 1) / shardSize) {
                throw new DatasetException(dir.resolve(name) + " is inconsistent (size, shard_size, ids or shards)");
            }
            for (int j = 0; j < count; j++) {
                int k = part + j * n;
                ids[k] = idNode.get(j).asText();
                fileOf[k] = base + j / shardSize;
                rowOf[k] = j % shardSize;
            }
            for (int f = 0; f < shardNode.size(); f++) {
                Path p = dir.resolve(shardNode.get(f).asText());
                if (!Files.isRegularFile(p)) throw new DatasetException("cache " + dir + ": missing shard " + p.getFileName());
                int s = base + f;
                shards[s] = SafetensorsFile.open(p);
                int rows = Math.min(shardSize, count - f * shardSize);
                check(s, "latent_mean", DType.F32, rows, latentShape[0], latentShape[1], latentShape[2]);
                check(s, "latent_logvar", DType.F32, rows, latentShape[0], latentShape[1], latentShape[2]);
                check(s, "caption", DType.F32, rows, modelMaxLength, captionChannels);
                check(s, "caption_mask", DType.I64, rows, modelMaxLength);
                if (shards[s].names().contains(TrainingCache.INPUT_IDS)) {
                    check(s, TrainingCache.INPUT_IDS, DType.I64, rows, modelMaxLength);
                    withIds++;
                }
            }
            base += shardNode.size();
        }
        if (withIds != 0 && withIds != files) {
            throw new DatasetException("cache " + dir + ": " + withIds + " of its " + files + " shards hold "
                    + TrainingCache.INPUT_IDS + " (a cache is written by one version of dimba cache)");
        }
        this.hasInputIds = withIds == files;
    }

    /** Whether the examples carry their captions' token ids ({@link TrainingExample#inputIds()}). */
    public boolean hasInputIds() {
        return hasInputIds;
    }

    private void check(int s, String name, DType dtype, int... shape) {
        SafetensorsFile f = shards[s];
        if (!f.names().contains(name)) throw new DatasetException(f.path() + ": no tensor " + name);
        var info = f.info(name);
        if (info.dtype() != dtype || !Arrays.equals(info.shape(), shape)) {
            throw new DatasetException(f.path() + ": tensor " + name + " is " + info.dtype() + " " + Arrays.toString(info.shape())
                    + ", expected " + dtype + " " + Arrays.toString(shape));
        }
    }

    /**
     * Whether {@code dir} looks like a cache folder: it holds {@value TrainingCache#INDEX}, or part indexes
     * {@code cache-part-i-of-N.json} of a sharded cache ({@link ShardedTrainingCache}).
     */
    public static boolean isCache(Path dir) {
        if (Files.isRegularFile(dir.resolve(TrainingCache.INDEX))) return true;
        try (var s = Files.newDirectoryStream(dir, "cache-part-*-of-*.json")) {
            return s.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /** Opens an unsharded cache, or the union of a sharded one's parts (all N must be finished). */
    public static CachedTrainingData open(Path dir) {
        Path indexFile = dir.resolve(TrainingCache.INDEX);
        if (!Files.isRegularFile(indexFile)) {
            JsonNode[] parts = ShardedTrainingCache.parts(dir);
            if (parts != null) {
                for (int i = 0; i < parts.length; i++) checkFormat(dir.resolve(ShardedTrainingCache.partIndexName(new org.dimba4j.io.Shard(i, parts.length))), parts[i]);
                return new CachedTrainingData(dir, parts);
            }
        }
        JsonNode index;
        try {
            index = TrainingCache.JSON.readTree(indexFile.toFile());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + indexFile + ": " + e.getMessage(), e);
        }
        checkFormat(indexFile, index);
        return new CachedTrainingData(dir, new JsonNode[] {index});
    }

    private static void checkFormat(Path indexFile, JsonNode index) {
        if (!TrainingCache.FORMAT.equals(index.path("format").asText())) {
            throw new DatasetException(indexFile + " is not a " + TrainingCache.FORMAT + " index");
        }
    }

    @Override
    public int size() {
        return size;
    }

    public int imageSize() {
        return imageSize;
    }

    public int modelMaxLength() {
        return modelMaxLength;
    }

    public int captionChannels() {
        return captionChannels;
    }

    @Override
    public TrainingExample get(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("example " + index + " of " + size);
        SafetensorsFile f = shards[fileOf[index]];
        int row = rowOf[index], latent = latentShape[0] * latentShape[1] * latentShape[2];
        return new TrainingExample(ids[index],
                Tensor.of(floats(f.bytes("latent_mean"), row, latent), latentShape),
                Tensor.of(floats(f.bytes("latent_logvar"), row, latent), latentShape),
                Tensor.of(floats(f.bytes("caption"), row, modelMaxLength * captionChannels), modelMaxLength, captionChannels),
                Tensor.ofLongs(longs(f.bytes("caption_mask"), row, modelMaxLength), modelMaxLength),
                hasInputIds ? Tensor.ofLongs(longs(f.bytes(TrainingCache.INPUT_IDS), row, modelMaxLength), modelMaxLength) : null);
    }

    private static float[] floats(MemorySegment seg, int row, int n) {
        float[] out = new float[n];
        MemorySegment.copy(seg, F32, (long) row * n * 4, out, 0, n);
        return out;
    }

    private static long[] longs(MemorySegment seg, int row, int n) {
        long[] out = new long[n];
        MemorySegment.copy(seg, I64, (long) row * n * 8, out, 0, n);
        return out;
    }

    @Override
    public String description() {
        return "cache " + dir + " (" + size + " examples at " + imageSize + " px)";
    }

    @Override
    public void close() {
        for (SafetensorsFile f : shards) if (f != null) f.close();
    }
}
