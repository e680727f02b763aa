package org.dimba4j.infer.cli;

import org.dimba4j.train.data.CachedTrainingData;
import org.dimba4j.train.data.DatasetException;
import org.dimba4j.train.data.TrainingExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba cache --shard i/N}: the parts' union is the unsharded cache, tensor for tensor; a shard resumes. */
class CacheShardTest {
    private static final String TINY = Path.of("../models/tiny-reference").toString();

    private static CliRun cache(Path data, Path out, String... extra) {
        String[] base = {"cache", "--model", TINY, "--data", data.toString(), "-o", out.toString(), "--device", "cpu", "--shard-size", "1"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.run(args);
    }

    private static void assertSameCache(Path want, Path got) {
        try (CachedTrainingData a = CachedTrainingData.open(want); CachedTrainingData b = CachedTrainingData.open(got)) {
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                TrainingExample x = a.get(i), y = b.get(i);
                assertEquals(x.id(), y.id());
                assertArrayEquals(x.latentMean().toFloatArray(), y.latentMean().toFloatArray(), "latent_mean " + i);
                assertArrayEquals(x.latentLogvar().toFloatArray(), y.latentLogvar().toFloatArray(), "latent_logvar " + i);
                assertArrayEquals(x.caption().toFloatArray(), y.caption().toFloatArray(), "caption " + i);
                assertArrayEquals(x.captionMask().toLongArray(), y.captionMask().toLongArray(), "caption_mask " + i);
            }
        }
    }

    @Test
    void shardsTogetherAreTheUnshardedCacheAndAShardResumes(@TempDir Path dir) throws IOException {
        Path data = CacheCommandTest.dataset(dir), whole = dir.resolve("whole"), parts = dir.resolve("parts");
        assertEquals(0, cache(data, whole).code());
        CliRun s0 = cache(data, parts, "--shard", "0/2");
        assertEquals(0, s0.code(), s0.err());
        assertTrue(CachedTrainingData.isCache(parts));
        DatasetException missing = assertThrows(DatasetException.class, () -> CachedTrainingData.open(parts));
        assertTrue(missing.getMessage().contains("shard 1/2 is missing or unfinished"), missing.getMessage());
        assertEquals(0, cache(data, parts, "--shard", "1/2").code());
        assertTrue(Files.isRegularFile(parts.resolve("part-0-of-2-00001.safetensors")), "examples 0 and 2, one per file");
        assertSameCache(whole, parts);

        // shard 0 crashed after its first file: its index and second file never appeared
        Files.delete(parts.resolve("cache-part-0-of-2.json"));
        Files.delete(parts.resolve("part-0-of-2-00001.safetensors"));
        CliRun again = cache(data, parts, "--shard", "0/2");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("encoded example 2"), again.err());
        assertFalse(again.err().contains("encoded example 0"), "the finished file is kept: " + again.err());
        assertSameCache(whole, parts);
        CliRun done = cache(data, parts, "--shard", "0/2");
        assertTrue(done.err().contains("already complete"), done.err());
    }

    @Test
    void moreShardsThanExamplesLeaveEmptyParts(@TempDir Path dir) throws IOException {
        Path data = CacheCommandTest.dataset(dir), whole = dir.resolve("whole"), parts = dir.resolve("parts");
        assertEquals(0, cache(data, whole).code());
        for (int i = 0; i < 4; i++) assertEquals(0, cache(data, parts, "--shard", i + "/4").code());
        assertSameCache(whole, parts);
        CliRun bad = cache(data, parts, "--shard", "4/4");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("shard index 4 must be in 0..3"), bad.err());
    }
}
