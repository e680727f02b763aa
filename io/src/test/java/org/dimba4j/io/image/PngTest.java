package org.dimba4j.io.image;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PNG pixels and text chunks: round trips, and a file Pillow wrote the way A1111 does. */
class PngTest {
    @TempDir
    Path tmp;

    private static Tensor gradient(int h, int w) {
        float[] v = new float[3 * h * w];
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(i * 0.37) * 1.1f;
        return Tensor.of(v, 3, h, w);
    }

    @Test
    void tensorRoundTripGivesTheQuantisedValues() {
        Tensor x = gradient(7, 11);
        Path file = tmp.resolve("out/img.png");
        Png.write(file, x, null);
        Png.Picture p = Png.read(file);
        assertEquals(11, p.image().width());
        assertEquals(7, p.image().height());
        assertArrayEquals(ImageTensors.toImage(x).rgb(), p.image().rgb());
        // back to [-1, 1]: every value within half a grey level of the clamped input
        float[] in = x.toFloatArray(), back = p.tensor().toFloatArray();
        for (int i = 0; i < in.length; i++) {
            float clamped = Math.max(-1f, Math.min(1f, in[i]));
            assertEquals(clamped, back[i], 1.0 / 255 + 1e-6, "value " + i);
        }
        assertTrue(p.text().isEmpty());
        assertNull(p.parameters());
        assertFalse(Files.exists(tmp.resolve("out/img.png.tmp")));
    }

    @Test
    void generationParametersRoundTrip() {
        GenerationParameters g = new GenerationParameters("a red fox, in snow\nat dawn", "blurry, lowres", 20, "dpm-solver",
                4.5, 42L, 512, 768, "dimba-l-512");
        Path file = tmp.resolve("fox.png");
        Png.write(file, gradient(4, 4), g);
        Png.Picture p = Png.read(file);
        assertEquals(g.toText(), p.text().get(Png.PARAMETERS));
        assertEquals(g, p.parameters());
        assertEquals("a red fox, in snow\nat dawn\nNegative prompt: blurry, lowres\n"
                + "Steps: 20, Sampler: dpm-solver, CFG scale: 4.5, Seed: 42, Size: 512x768, Model: dimba-l-512", g.toText());
    }

    @Test
    void unicodeTextGoesToITxtAndComesBack() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", "ein Fuchs \u2014 \u72d0\u72f8\nSteps: 2, CFG scale: 1.0, Size: 8x8");
        text.put("Comment", "caf\u00e9");
        Path file = tmp.resolve("u.png");
        Png.write(file, RgbImage.blank(8, 8), text);
        Map<String, String> back = Png.read(file).text();
        assertEquals(text, back);
        GenerationParameters g = Png.read(file).parameters();
        assertEquals("ein Fuchs \u2014 \u72d0\u72f8", g.prompt());
        assertEquals(2, g.steps());
        assertNull(g.seed());
    }

    @Test
    void readsTextThatPillowWroteAsA1111Does() {
        Png.Picture p = Png.read(ImageFixtures.resource("source-37x23.png"));
        assertEquals("caf\u00e9 \u2713 \u732b", p.text().get("Comment")); // an iTXt chunk
        GenerationParameters g = p.parameters();
        assertEquals("a photo of a cat, highly detailed\nwearing a hat", g.prompt());
        assertEquals("blurry, low quality", g.negativePrompt());
        assertEquals(20, g.steps());
        assertEquals("DPM++ 2M", g.sampler());
        assertEquals(4.5, g.guidance());
        assertEquals(1234567890123L, g.seed());
        assertEquals(512, g.width());
        assertEquals(768, g.height());
        assertEquals("dimba, l/512", g.model()); // a JSON-quoted value
        assertEquals(Map.of("Version", "v1.10.0"), g.extra());
        assertEquals(37, p.image().width());
    }

    @Test
    void quotedValuesAndExtrasRoundTrip() {
        GenerationParameters g = new GenerationParameters("p", "", 30, "ddim", 7.0, 1L, 1024, 1024, "my \"best\": model, v2",
                Map.of("Denoiser", "a\\b"));
        GenerationParameters back = GenerationParameters.parse(g.toText());
        assertEquals(g, back);
        assertTrue(g.toText().contains("Model: \"my \\\"best\\\": model, v2\""), g.toText());
    }

    @Test
    void textWithoutSettingsIsAllPrompt() {
        GenerationParameters g = GenerationParameters.parse("just a prompt\nNegative prompt: ugly");
        assertEquals("just a prompt", g.prompt());
        assertEquals("ugly", g.negativePrompt());
        assertEquals(0, g.steps());
        assertTrue(Double.isNaN(g.guidance()));
    }

    @Test
    void errorsNameTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> GenerationParameters.parse("x\nSteps: many, Seed: 1, Size: 2x2"));
        assertEquals("parameters: Steps 'many' is not an integer", e.getMessage());
        var k = assertThrows(IllegalArgumentException.class, () -> Png.write(tmp.resolve("k.png"), RgbImage.blank(1, 1), Map.of("", "v")));
        assertTrue(k.getMessage().contains("keyword"), k.getMessage());
        var m = assertThrows(IllegalArgumentException.class, () -> Png.read(tmp.resolve("missing.png")));
        assertTrue(m.getMessage().contains("missing.png"), m.getMessage());
    }
}
