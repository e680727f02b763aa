package org.dimba4j.train.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation of an image folder before any step: each kind of bad example named by file and line. */
class ImageFolderTest {
    @TempDir
    Path dir;

    private void image(String name) throws IOException {
        Files.copy(DataFixtures.resource(name.endsWith(".jpg") ? "rgb.jpg" : "rgb.png"), dir.resolve(name));
    }

    private void metadata(String... lines) throws IOException {
        Files.writeString(dir.resolve("metadata.jsonl"), String.join("\n", lines) + "\n");
    }

    private DatasetException fails() {
        return assertThrows(DatasetException.class, () -> ImageFolder.open(dir, false));
    }

    @Test
    void readsMetadataInOrder() throws IOException {
        image("a.png");
        image("b.jpg");
        metadata("{\"file_name\": \"b.jpg\", \"text\": \"a cat\"}", "", "{\"file_name\": \"a.png\", \"text\": \"a dog\"}");
        ImageFolder f = ImageFolder.open(dir, false);
        assertEquals(2, f.size());
        assertEquals("b.jpg", f.entry(0).fileName());
        assertEquals("a dog", f.entry(1).caption());
        assertEquals(0, f.skipped());
        var px = f.pixels(1, 16);
        assertArrayEquals(new int[] {3, 16, 16}, px.shape());
        for (float v : px.toFloatArray()) assertTrue(v >= -1f && v <= 1f);
    }

    @Test
    void readsSidecarCaptionsWithoutMetadata() throws IOException {
        image("b.png");
        image("a.jpg");
        Files.writeString(dir.resolve("a.txt"), "  first\n");
        Files.writeString(dir.resolve("b.txt"), "second");
        ImageFolder f = ImageFolder.open(dir, false);
        assertEquals(2, f.size());
        assertEquals("a.jpg", f.entry(0).fileName());
        assertEquals("first", f.entry(0).caption());
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        image("a.png");
        metadata("{\"file_name\": \"a.png\", \"text\": \"ok\"}", "{\"file_name\": \"a.png\", \"text\": ");
        String msg = fails().getMessage();
        assertTrue(msg.contains("metadata.jsonl line 2: malformed JSON"), msg);
    }

    @Test
    void missingFileNamesFileAndLine() throws IOException {
        image("a.png");
        metadata("{\"file_name\": \"a.png\", \"text\": \"ok\"}", "{\"file_name\": \"gone.png\", \"text\": \"x\"}");
        String msg = fails().getMessage();
        assertTrue(msg.contains("metadata.jsonl line 2: missing image file") && msg.contains("gone.png"), msg);
    }

    @Test
    void emptyCaptionNamesFileAndLine() throws IOException {
        image("a.png");
        metadata("{\"file_name\": \"a.png\", \"text\": \"  \"}");
        String msg = fails().getMessage();
        assertTrue(msg.contains("metadata.jsonl line 1: empty caption for a.png"), msg);
        Files.delete(dir.resolve("metadata.jsonl"));
        Files.writeString(dir.resolve("a.txt"), "\n");
        msg = fails().getMessage();
        assertTrue(msg.contains("a.txt: empty caption for a.png"), msg);
    }

    @Test
    void truncatedAndCorruptImagesNameTheLine() throws IOException {
        for (String src : new String[] {"rgb.png", "rgb.jpg"}) {
            byte[] whole = Files.readAllBytes(DataFixtures.resource(src));
            String ext = src.substring(src.indexOf('.'));
            Files.write(dir.resolve("cut" + ext), Arrays.copyOf(whole, whole.length * 2 / 3));
            byte[] garbled = whole.clone();
            for (int i = 0; i < 16; i++) garbled[i] ^= 0x5a; // signature gone: not an image
            Files.write(dir.resolve("junk" + ext), garbled);
            metadata("{\"file_name\": \"cut" + ext + "\", \"text\": \"x\"}", "{\"file_name\": \"junk" + ext + "\", \"text\": \"y\"}");
            String msg = fails().getMessage();
            assertTrue(msg.contains("2 bad examples"), msg);
            assertTrue(msg.contains("metadata.jsonl line 1: corrupt"), msg);
            assertTrue(msg.contains("metadata.jsonl line 2:") && msg.contains("is not a PNG or JPEG image"), msg);
        }
    }

    @Test
    void skipBadCountsInsteadOfFailing() throws IOException {
        image("a.png");
        Files.write(dir.resolve("cut.png"), Arrays.copyOf(Files.readAllBytes(DataFixtures.resource("rgb.png")), 300));
        metadata("{\"file_name\": \"a.png\", \"text\": \"ok\"}", "not json", "{\"file_name\": \"gone.png\", \"text\": \"x\"}",
                "{\"file_name\": \"a.png\", \"text\": \"\"}", "{\"file_name\": \"cut.png\", \"text\": \"x\"}");
        ImageFolder f = ImageFolder.open(dir, true);
        assertEquals(1, f.size());
        assertEquals(4, f.skipped());
        assertEquals(4, f.problems().size());
        metadata("not json");
        assertTrue(assertThrows(DatasetException.class, () -> ImageFolder.open(dir, true)).getMessage().contains("no usable example"));
    }
}
