package org.dimba4j.infer.cli;

import org.dimba4j.train.data.ImageFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba dataset shapes}: a folder the training loader opens, the same bytes for the same seed. */
class DatasetCommandTest {
    @Test
    void writesAnImageFolderDeterministically(@TempDir Path tmp) throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        CliRun r = CliRun.run("dataset", "shapes", "--count", "6", "--size", "64", "--seed", "3", "-o", a.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("wrote 6 images of 64x64"), r.err());
        assertEquals("", r.out());
        assertEquals(0, CliRun.run("dataset", "shapes", "--count", "6", "--seed", "3", "-o", b.toString()).code());
        ImageFolder f = ImageFolder.open(a, false);
        assertEquals(6, f.size());
        for (String name : new String[] {"metadata.jsonl", "scenes.jsonl", "heldout.json", "eval-prompts.jsonl", "00005.png"}) {
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
        }
    }

    @Test
    void badValuesAreOneLineErrors(@TempDir Path tmp) {
        CliRun r = CliRun.run("dataset", "shapes", "--count", "3", "--size", "32", "-o", tmp.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--size must be at least 64"), r.err());
        assertFalse(Files.exists(tmp.resolve("x")));
        assertEquals(2, CliRun.run("dataset", "shapes", "-o", tmp.resolve("y").toString()).code(), "--count is required");
    }
}
