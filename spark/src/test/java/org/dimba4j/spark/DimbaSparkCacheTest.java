package org.dimba4j.spark;

import org.apache.spark.sql.SparkSession;
import org.dimba4j.infer.cli.Main;
import org.dimba4j.train.data.CachedTrainingData;
import org.dimba4j.train.data.TrainingExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Spark cache job in local mode: its parts' union is {@code dimba cache}'s unsharded cache, tensor for tensor. */
class DimbaSparkCacheTest {
    private static final String MODEL = Path.of("../models/tiny-reference").toAbsolutePath().normalize().toString();

    @Test
    void partsWrittenByTasksAreTheUnshardedCache(@TempDir Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        List<String> meta = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            BufferedImage img = new BufferedImage(72, 64 + i, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < 72; x++) img.setRGB(x, y, (x * 3) << 16 | (y * 3) << 8 | (i * 50));
            ImageIO.write(img, "png", data.resolve(i + ".png").toFile());
            meta.add("{\"file_name\": \"" + i + ".png\", \"text\": \"colour " + i + "\"}");
        }
        Files.write(data.resolve("metadata.jsonl"), meta);
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute("cache", "--model", MODEL, "--data", data.toString(), "-o", whole.toString(), "--device", "cpu"), err.toString());

        SparkSession spark = SparkSession.builder().master("local[2]").appName("dimba4j-cache-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            var s = new DimbaSparkCache.Settings(MODEL, data.toString(), parts.toString(), 2, "cpu", false);
            assertEquals(List.of(0, 1, 2), DimbaSparkCache.write(spark, s, 3));
        } finally {
            spark.stop();
        }
        try (CachedTrainingData a = CachedTrainingData.open(whole); CachedTrainingData b = CachedTrainingData.open(parts)) {
            assertEquals(5, b.size());
            for (int i = 0; i < 5; i++) {
                TrainingExample x = a.get(i), y = b.get(i);
                assertEquals(x.id(), y.id());
                assertArrayEquals(x.latentMean().toFloatArray(), y.latentMean().toFloatArray(), "latent_mean " + i);
                assertArrayEquals(x.latentLogvar().toFloatArray(), y.latentLogvar().toFloatArray(), "latent_logvar " + i);
                assertArrayEquals(x.caption().toFloatArray(), y.caption().toFloatArray(), "caption " + i);
                assertArrayEquals(x.captionMask().toLongArray(), y.captionMask().toLongArray(), "caption_mask " + i);
            }
        }
    }
}
