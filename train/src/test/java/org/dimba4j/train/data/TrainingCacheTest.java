package org.dimba4j.train.data;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dimba cache round trip on models/tiny-reference: the cache gives back the online encoding bit for bit. */
class TrainingCacheTest {
    private static final Path TINY = Path.of("../models/tiny-reference");
    @TempDir
    Path tmp;

    private Path dataset(int n) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int w = 70 + 9 * i, h = 64 + 5 * i;
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x * y + 40 * i) & 0xff));
            }
            ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
            lines.add("{\"file_name\": \"img" + i + ".png\", \"text\": \"picture number " + i + (i % 2 == 0 ? " with a long caption that runs past sixteen tokens of the tiny model" : "") + "\"}");
        }
        Files.write(dir.resolve("metadata.jsonl"), lines);
        return dir;
    }

    private static void assertBits(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertEquals(expected.dtype(), actual.dtype(), what);
        if (expected.dtype() == org.dimba4j.kernels.DType.I64) {
            assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
        } else {
            float[] a = expected.toFloatArray(), b = actual.toFloatArray();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), what + "[" + i + "]");
        }
    }

    @Test
    void cacheRoundTripEqualsOnlineEncodingBitForBit() throws IOException {
        Path data = dataset(5), cache = tmp.resolve("cache");
        try (Backend be = Backends.cpu();
             TrainingData online = TrainingDataSets.open(data, TINY, be, false)) {
            OnlineTrainingData od = assertInstanceOf(OnlineTrainingData.class, online);
            List<Integer> seen = new ArrayList<>();
            TrainingCache.write(od, cache, 2, seen::add); // shards of 2, 2, 1
            assertEquals(List.of(0, 1, 2, 3, 4), seen);
            assertTrue(Files.isRegularFile(cache.resolve("shard-00002.safetensors")));
            try (TrainingData cached = TrainingDataSets.open(cache, TINY, be, false)) {
                assertInstanceOf(CachedTrainingData.class, cached);
                assertEquals(5, cached.size());
                for (int i = 0; i < 5; i++) {
                    TrainingExample a = online.get(i), b = cached.get(i);
                    assertEquals(a.id(), b.id());
                    assertArrayEquals(new int[] {4, 8, 8}, a.latentMean().shape());
                    assertArrayEquals(new int[] {16, 32}, a.caption().shape());
                    assertBits(a.latentMean(), b.latentMean(), "latent_mean " + i);
                    assertBits(a.latentLogvar(), b.latentLogvar(), "latent_logvar " + i);
                    assertBits(a.caption(), b.caption(), "caption " + i);
                    assertBits(a.captionMask(), b.captionMask(), "caption_mask " + i);
                    assertBits(a.inputIds(), b.inputIds(), "input_ids " + i);
                    long[] ids = b.inputIds().toLongArray(), mask = b.captionMask().toLongArray();
                    for (int j = 0; j < ids.length; j++) assertEquals(mask[j] == 0, ids[j] == 0, "padding id 0 where masked");
                }
                assertTrue(((CachedTrainingData) cached).hasInputIds());
                // the long caption fills all 16 positions, the short one is padded
                assertEquals(16, sum(cached.get(0).captionMask()));
                assertTrue(sum(cached.get(1).captionMask()) < 16);
                assertFalse(java.util.Arrays.equals(cached.get(0).latentMean().toFloatArray(), cached.get(1).latentMean().toFloatArray()));
            }
        }
        // nothing left aside, and a second cache over a full folder is refused
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("cache", "data"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aCacheThatDoesNotFitTheModelIsRefused() throws IOException {
        Path cache = tmp.resolve("cache");
        try (Backend be = Backends.cpu(); var online = (OnlineTrainingData) TrainingDataSets.open(dataset(1), TINY, be, false)) {
            TrainingCache.write(online, cache, 4, i -> {});
            assertThrows(IllegalArgumentException.class, () -> TrainingCache.write(online, cache, 4, i -> {}));
        }
        String index = Files.readString(cache.resolve(TrainingCache.INDEX)).replace("\"model_max_length\" : 16", "\"model_max_length\" : 17");
        Files.writeString(cache.resolve(TrainingCache.INDEX), index);
        try (Backend be = Backends.cpu()) {
            assertThrows(DatasetException.class, () -> TrainingDataSets.open(cache, TINY, be, false));
        }
    }

    @Test
    void aCacheWithoutTokenIdsStillServesAndSaysSo() throws IOException {
        Path cache = tmp.resolve("cache");
        try (Backend be = Backends.cpu(); var online = (OnlineTrainingData) TrainingDataSets.open(dataset(3), TINY, be, false)) {
            TrainingCache.write(online, cache, 2, i -> {});
        }
        // as an older dimba cache wrote it: the shards without input_ids (one first: a mix is refused)
        for (String shard : List.of("shard-00000.safetensors", "shard-00001.safetensors")) {
            if (shard.endsWith("1.safetensors")) {
                try (Backend be = Backends.cpu()) {
                    DatasetException e = assertThrows(DatasetException.class, () -> TrainingDataSets.open(cache, TINY, be, false));
                    assertTrue(e.getMessage().contains("1 of its 2 shards"), e.getMessage());
                }
            }
            Path f = cache.resolve(shard);
            java.util.Map<String, Tensor> kept = new java.util.LinkedHashMap<>();
            try (var src = org.dimba4j.io.safetensors.SafetensorsFile.open(f)) {
                for (String n : src.names()) {
                    if (!n.equals(TrainingCache.INPUT_IDS)) kept.put(n, src.get(n).dtype() == org.dimba4j.kernels.DType.I64
                            ? Tensor.ofLongs(src.get(n).toLongArray(), src.get(n).shape()) : Tensor.of(src.get(n).toFloatArray(), src.get(n).shape()));
                }
            }
            org.dimba4j.io.safetensors.SafetensorsWriter.write(f, kept, java.util.Map.of("format", TrainingCache.FORMAT));
        }
        try (Backend be = Backends.cpu(); TrainingData cached = TrainingDataSets.open(cache, TINY, be, false)) {
            assertFalse(((CachedTrainingData) cached).hasInputIds());
            assertEquals(null, cached.get(2).inputIds());
            assertEquals(16, cached.get(2).captionMask().dim(0));
        }
    }

    private static long sum(Tensor mask) {
        long s = 0;
        for (long v : mask.toLongArray()) s += v;
        return s;
    }
}
