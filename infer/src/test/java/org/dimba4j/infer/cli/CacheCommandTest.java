package org.dimba4j.infer.cli;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.train.data.CachedTrainingData;
import org.dimba4j.train.data.ExampleEncoder;
import org.dimba4j.train.data.ImageFolder;
import org.dimba4j.train.data.OnlineTrainingData;
import org.dimba4j.train.data.TrainingExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheCommandTest {
    private static final Path TINY = Path.of("../models/tiny-reference");

    static Path dataset(Path dir, String... extraLines) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(80, 66 + i, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < 80; x++) img.setRGB(x, y, (x * 3) << 16 | (y * 3) << 8 | (i * 70));
            ImageIO.write(img, "png", data.resolve(i + ".png").toFile());
        }
        List<String> lines = new java.util.ArrayList<>(List.of("{\"file_name\": \"0.png\", \"text\": \"red\"}",
                "{\"file_name\": \"1.png\", \"text\": \"green\"}", "{\"file_name\": \"2.png\", \"text\": \"blue\"}"));
        lines.addAll(List.of(extraLines));
        Files.write(data.resolve("metadata.jsonl"), lines);
        return data;
    }

    @Test
    void writesACacheThatMatchesOnlineEncoding(@TempDir Path dir) throws IOException {
        Path data = dataset(dir), cache = dir.resolve("cache");
        CliRun r = CliRun.run("cache", "--model", TINY.toString(), "--data", data.toString(), "-o", cache.toString(),
                "--device", "cpu", "--shard-size", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("wrote cache"), r.err());
        try (Backend be = Backends.cpu();
             OnlineTrainingData online = new OnlineTrainingData(ImageFolder.open(data, false), ExampleEncoder.load(TINY, be));
             CachedTrainingData cached = CachedTrainingData.open(cache)) {
            assertEquals(3, cached.size());
            for (int i = 0; i < 3; i++) {
                TrainingExample a = online.get(i), b = cached.get(i);
                assertArrayEquals(a.latentMean().toFloatArray(), b.latentMean().toFloatArray());
                assertArrayEquals(a.latentLogvar().toFloatArray(), b.latentLogvar().toFloatArray());
                assertArrayEquals(a.caption().toFloatArray(), b.caption().toFloatArray());
                assertArrayEquals(a.captionMask().toLongArray(), b.captionMask().toLongArray());
            }
        }
    }

    @Test
    void aBadLineIsAnErrorNamingItUnlessSkipped(@TempDir Path dir) throws IOException {
        Path data = dataset(dir, "{\"file_name\": \"3.png\", \"text\": \"missing\"}"), cache = dir.resolve("cache");
        CliRun r = CliRun.run("cache", "--model", TINY.toString(), "--data", data.toString(), "-o", cache.toString(), "--device", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("metadata.jsonl line 4: missing image file"), r.err());
        assertFalse(Files.exists(cache));
        r = CliRun.run("cache", "--model", TINY.toString(), "--data", data.toString(), "-o", cache.toString(), "--device", "cpu", "--skip-bad");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("1 bad skipped"), r.err());
        try (CachedTrainingData cached = CachedTrainingData.open(cache)) {
            assertEquals(3, cached.size());
        }
    }
}
