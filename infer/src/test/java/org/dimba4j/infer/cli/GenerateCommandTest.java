package org.dimba4j.infer.cli;

import org.dimba4j.io.image.GenerationParameters;
import org.dimba4j.io.image.Png;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba generate} on the tiny reference model. */
class GenerateCommandTest {
    private static final String MODEL = Path.of("../models/tiny-reference").toString();

    private static int run(StringWriter err, String... args) {
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void writesPngWithParametersAndLatentsReproducibleFromNoiseFile(@TempDir Path dir) {
        Path png = dir.resolve("out.png");
        Path latents = dir.resolve("latents.safetensors");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "generate", "--prompt", "a red fox in the snow", "--model", MODEL, "--steps", "6",
                "--seed", "42", "--save-latents", latents.toString(), "--device", "cpu", "-o", png.toString()), err.toString());
        assertTrue(Files.exists(png));
        Png.Picture pic = Png.read(png);
        GenerationParameters p = pic.parameters();
        assertEquals("a red fox in the snow", p.prompt());
        assertEquals(6, p.steps());
        assertEquals(42L, p.seed());
        assertEquals("dpm-solver", p.sampler());
        assertEquals(64, p.width());
        assertTrue(err.toString().contains("step 6/6"), err.toString());
        assertTrue(err.toString().contains("s/step"), err.toString());

        Path noise = dir.resolve("noise.safetensors");
        assertEquals(0, run(new StringWriter(), "noise", "--seed", "42", "--shape", "1,4,8,8", "-o", noise.toString()));
        Path latents2 = dir.resolve("latents2.safetensors");
        assertEquals(0, run(new StringWriter(), "generate", "--prompt", "a red fox in the snow", "--model", MODEL, "--steps", "6",
                "--init-noise", noise.toString(), "--save-latents", latents2.toString(), "--device", "cpu",
                "-o", dir.resolve("out2.png").toString()));
        try (SafetensorsFile a = SafetensorsFile.open(latents); SafetensorsFile b = SafetensorsFile.open(latents2)) {
            assertArrayEquals(new int[] {1, 4, 8, 8}, a.get("latents").shape());
            float[] x = a.get("latents").toFloatArray();
            float[] y = b.get("latents").toFloatArray();
            // the same noise, so the same bits (the CPU kernels are identical cold and JIT-compiled)
            assertArrayEquals(x, y, "latents of --seed 42 vs its --init-noise");
        }
    }

    @Test
    void batchWritesOneFilePerImage(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "generate", "--prompt", "a castle", "--model", MODEL, "--steps", "3", "--seed", "1",
                "--batch", "2", "--sampler", "ddim", "--width", "32", "--height", "48", "-o", dir.resolve("c.png").toString()),
                err.toString());
        assertTrue(Files.exists(dir.resolve("c-0.png")) && Files.exists(dir.resolve("c-1.png")));
        assertEquals(48, Png.read(dir.resolve("c-1.png")).image().height());
    }

    @Test
    void invalidOptionsNameTheValue(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "generate", "--prompt", "x", "--model", MODEL, "--width", "50", "--seed", "1",
                "-o", dir.resolve("x.png").toString()));
        assertTrue(err.toString().contains("--width 50 must be a positive multiple of 16"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, "generate", "--prompt", "x", "--model", MODEL, "--sampler", "euler",
                "-o", dir.resolve("x.png").toString()));
        assertTrue(err2.toString().contains("unknown sampler 'euler'"), err2.toString());
        StringWriter err3 = new StringWriter();
        assertEquals(2, run(err3, "generate", "--prompt", "x", "--model", dir.toString(), "-o", dir.resolve("x.png").toString()));
        assertTrue(err3.toString().contains("no tokenizer/ folder"), err3.toString());
        StringWriter err4 = new StringWriter();
        assertEquals(2, run(err4, "generate", "--prompt", "x", "--model", MODEL, "--seed", "1", "--init-noise",
                dir.resolve("n.safetensors").toString(), "-o", dir.resolve("x.png").toString()));
        assertTrue(err4.toString().contains("--seed and --init-noise exclude each other with --sampler dpm-solver"),
                err4.toString());
    }
}
