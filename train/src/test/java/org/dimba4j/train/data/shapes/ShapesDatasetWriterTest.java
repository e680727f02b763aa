package org.dimba4j.train.data.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.image.ImageFiles;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.train.data.ImageFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The written dataset is what the training loader reads, with its ground truth and held-out files beside it. */
class ShapesDatasetWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void imageFolderReadsTheDatasetAndTheGroundTruthMatches(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("shapes");
        ShapesDatasetWriter.write(dir, 12, 64, 5);
        ImageFolder f = ImageFolder.open(dir, false);
        assertEquals(12, f.size());
        List<String> scenes = Files.readAllLines(dir.resolve(ShapesDatasetWriter.SCENES));
        assertEquals(12, scenes.size());
        for (int i = 0; i < 12; i++) {
            ShapesExample ex = ShapesGenerator.example(5, i);
            assertEquals(String.format("%05d.png", i), f.entry(i).fileName());
            assertEquals(ex.caption(), f.entry(i).caption());
            RgbImage img = ImageFiles.readRgb(f.entry(i).image());
            assertArrayEquals(SceneRenderer.render(ex.scene(), 64).rgb(), img.rgb(), "PNG round trip of image " + i);
            JsonNode line = JSON.readTree(scenes.get(i));
            assertEquals(f.entry(i).fileName(), line.get("file_name").asText());
            assertEquals(ex.scene().spec(), SceneSpec.fromJson(line.get("scene").get("spec")));
            assertEquals(ex.scene().objects().size(), line.get("scene").get("objects").size());
        }
        assertEquals(3, f.pixels(0, 64).dim(0));
        JsonNode heldout = JSON.readTree(dir.resolve(ShapesDatasetWriter.HELDOUT).toFile());
        assertEquals(3, heldout.get("colour_shape_pairs").size());
        assertEquals(2, heldout.get("arrangements").size());
        assertEquals(HeldOut.evalPrompts().size(), heldout.get("eval_prompts").size());
        List<String> prompts = Files.readAllLines(dir.resolve(ShapesDatasetWriter.EVAL_PROMPTS));
        assertEquals(HeldOut.evalPrompts().size(), prompts.size());
        assertEquals(HeldOut.evalPrompts().get(0).prompt(), JSON.readTree(prompts.get(0)).get("prompt").asText());
        // nothing is left beside the dataset
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(dir), s.toList());
        }
    }

    @Test
    void badArgumentsAndAnExistingFolderAreErrorsBeforeAnyWork(@TempDir Path tmp) throws IOException {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShapesDatasetWriter.write(tmp.resolve("a"), 0, 64, 0)).getMessage().contains("--count"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShapesDatasetWriter.write(tmp.resolve("a"), 1, 48, 0)).getMessage().contains("--size"));
        Path existing = Files.createDirectories(tmp.resolve("b"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ShapesDatasetWriter.write(existing, 1, 64, 0)).getMessage().contains("already exists"));
        assertEquals("000123.png", ShapesDatasetWriter.fileName(123, 200000));
    }
}
