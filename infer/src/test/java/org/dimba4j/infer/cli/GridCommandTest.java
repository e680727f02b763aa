package org.dimba4j.infer.cli;

import org.dimba4j.io.image.Png;
import org.dimba4j.io.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba grid}: each cell is exactly the image {@code dimba generate} draws for that prompt and seed. */
class GridCommandTest {
    private static final String MODEL = Path.of("../models/tiny-reference").toString();
    @TempDir
    Path tmp;

    @Test
    void cellsAreTheGenerateImagesOfEachPromptAndSeed() {
        Path grid = tmp.resolve("grid.png");
        CliRun r = CliRun.run("grid", "--model", MODEL, "--prompt", "a red circle", "--prompt", "two blue squares",
                "--seeds", "2", "--seed", "5", "--steps", "3", "--scale", "1", "--device", "cpu", "-o", grid.toString());
        assertEquals(0, r.code(), r.err());
        RgbImage g = Png.read(grid).image();
        String[] prompts = {"a red circle", "two blue squares"};
        for (int row = 0; row < 2; row++) {
            for (int k = 0; k < 2; k++) {
                Path one = tmp.resolve(row + "-" + k + ".png");
                CliRun gen = CliRun.run("generate", "--model", MODEL, "--prompt", prompts[row], "--seed", String.valueOf(5 + k),
                        "--steps", "3", "--device", "cpu", "-o", one.toString());
                assertEquals(0, gen.code(), gen.err());
                RgbImage img = Png.read(one).image();
                int gap = 2, x0 = gap + k * (img.width() + gap), y0 = gap + row * (img.height() + gap);
                for (int y = 0; y < img.height(); y++) {
                    for (int x = 0; x < img.width(); x++) {
                        for (int c = 0; c < 3; c++) {
                            assertEquals(img.get(x, y, c), g.get(x0 + x, y0 + y, c), "row " + row + " seed " + (5 + k) + " at " + x + "," + y);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aStripHasOneCellPerPreviewAndTheImage() {
        Path strip = tmp.resolve("strip.png");
        CliRun r = CliRun.run("grid", "--model", MODEL, "--prompt", "a red circle", "--strip", "2", "--steps", "6",
                "--scale", "1", "--device", "cpu", "-o", strip.toString());
        assertEquals(0, r.code(), r.err());
        RgbImage g = Png.read(strip).image();
        Path one = tmp.resolve("one.png");
        assertEquals(0, CliRun.run("generate", "--model", MODEL, "--prompt", "a red circle", "--steps", "6", "--seed", "0",
                "--device", "cpu", "-o", one.toString()).code());
        int w = Png.read(one).image().width();
        assertEquals(3 * w + 4 * 2, g.width(), "x0 after steps 2 and 4, then the image");
        CliRun bad = CliRun.run("grid", "--model", MODEL, "--prompt", "x", "--strip", "9", "--steps", "6", "-o", strip.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--strip must be in 0..--steps (6), not 9"), bad.err());
    }
}
