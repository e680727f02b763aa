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
 * row i % shard_size of shard i / shard_size, copied out so the example outlives nothing.
 */
public final class CachedTrainingData implements TrainingData {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path dir;
    private final int size, shardSize, imageSize, modelMaxLength, captionChannels;
    private final int[] latentShape;
    private final String[] ids;
    private final SafetensorsFile[] shards;

    private CachedTrainingData(Path dir, JsonNode index) {
        this.dir = dir;
        this.size = index.path("size").asInt(-1);
        this.shardSize = index.path("shard_size").asInt(-1);
        this.imageSize = index.path("image_size").asInt(-1);
        this.modelMaxLength = index.path("model_max_length").asInt(-1);
        this.captionChannels = index.path("caption_channels").asInt(-1);
        JsonNode ls = index.path("latent_shape"), idNode = index.path("ids"), shardNode = index.path("shards");
        if (size < 1 || shardSize < 1 || modelMaxLength < 1 || captionChannels < 1 || ls.size() != 3
                || idNode.size() != size || shardNode.size() != (size + shardSize - 1) / shardSize) {
            throw new DatasetException(dir.resolve(TrainingCache.INDEX) + " is inconsistent (size, shard_size, ids, shards or latent_shape)");
        }
        this.latentShape = new int[] {ls.get(0).asInt(), ls.get(1).asInt(), ls.get(2).asInt()};
        this.ids = new String[size];
        for (int i = 0; i < size; i++) ids[i] = idNode.get(i).asText();
        this.shards = new SafetensorsFile[shardNode.size()];
        for (int s = 0; s < shards.length; s++) {
            Path p = dir.resolve(shardNode.get(s).asText());
            if (!Files.isRegularFile(p)) throw new DatasetException("cache " + dir + ": missing shard " + p.getFileName());
            shards[s] = SafetensorsFile.open(p);
            int rows = Math.min(shardSize, size - s * shardSize);
            check(s, "latent_mean", DType.F32, rows, latentShape[0], latentShape[1], latentShape[2]);
            check(s, "latent_logvar", DType.F32, rows, latentShape[0], latentShape[1], latentShape[2]);
            check(s, "caption", DType.F32, rows, modelMaxLength, captionChannels);
            check(s, "caption_mask", DType.I64, rows, modelMaxLength);
        }
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

    /** Whether {@code dir} looks like a cache folder (holds {@value TrainingCache#INDEX}). */
    public static boolean isCache(Path dir) {
        return Files.isRegularFile(dir.resolve(TrainingCache.INDEX));
    }

    public static CachedTrainingData open(Path dir) {
        Path indexFile = dir.resolve(TrainingCache.INDEX);
        JsonNode index;
        try {
            index = TrainingCache.JSON.readTree(indexFile.toFile());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + indexFile + ": " + e.getMessage(), e);
        }
        if (!TrainingCache.FORMAT.equals(index.path("format").asText())) {
            throw new DatasetException(indexFile + " is not a " + TrainingCache.FORMAT + " index");
        }
        return new CachedTrainingData(dir, index);
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
        SafetensorsFile f = shards[index / shardSize];
        int row = index % shardSize, latent = latentShape[0] * latentShape[1] * latentShape[2];
        return new TrainingExample(ids[index],
                Tensor.of(floats(f.bytes("latent_mean"), row, latent), latentShape),
                Tensor.of(floats(f.bytes("latent_logvar"), row, latent), latentShape),
                Tensor.of(floats(f.bytes("caption"), row, modelMaxLength * captionChannels), modelMaxLength, captionChannels),
                Tensor.ofLongs(longs(f.bytes("caption_mask"), row, modelMaxLength), modelMaxLength));
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
