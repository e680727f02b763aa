package org.dimba4j.infer.cli;

import org.dimba4j.io.image.Png;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba train --sample-every N [--sample-prompts FILE]}: sample grids that leave the training untouched. */
class TrainSampleEveryTest {
    private static final String MODEL = Path.of("../models/tiny-reference").toString();

    @Test
    void samplesChangeNoCheckpointAndResumeTheSameGrids(@TempDir Path tmp) throws Exception {
        Path data = TrainCommandTest.imageFolder(tmp.resolve("data"));
        Path prompts = Files.writeString(tmp.resolve("prompts.txt"), "a red square\n\na blue sky\n");
        String[] common = {"train", "--model", MODEL, "--data", data.toString(), "--batch", "2", "--lr", "1e-3",
                "--warmup-steps", "0", "--seed", "5", "--save-every", "2", "--optimizer", "adamw", "--device", "cpu",
                "--ema-decay", "0.5"};
        Path plain = tmp.resolve("plain"), sampled = tmp.resolve("sampled"), resumed = tmp.resolve("resumed");
        assertEquals(0, CliRun.run(concat(common, "--out", plain.toString(), "--steps", "5")).code());
        String[] sampling = concat(common, "--sample-every", "2", "--sample-prompts", prompts.toString());
        CliRun s = CliRun.run(concat(sampling, "--out", sampled.toString(), "--steps", "5"));
        assertEquals(0, s.code(), s.err());
        for (int step : new int[] {2, 4, 5}) {
            for (String f : new String[] {"transformer/model.safetensors", "transformer_ema/model.safetensors",
                    "trainer/optimizer.safetensors", "trainer/state.json"}) {
                Path p = Path.of("checkpoints/step-" + step).resolve(f);
                assertArrayEquals(Files.readAllBytes(plain.resolve(p)), Files.readAllBytes(sampled.resolve(p)), p.toString());
            }
        }
        assertEquals(Files.readString(plain.resolve("loss.csv")), Files.readString(sampled.resolve("loss.csv")));
        try (var files = Files.list(sampled.resolve("samples"))) {
            assertEquals(Arrays.asList("step-2.png", "step-4.png", "step-5.png"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "every 2 steps and the last, nothing aside");
        }
        Png.Picture grid = Png.read(sampled.resolve("samples/step-4.png"));
        assertEquals(128, grid.image().width(), "2 prompts of 64 px side by side");
        assertEquals(64, grid.image().height());
        assertFalse(Arrays.equals(Files.readAllBytes(sampled.resolve("samples/step-2.png")),
                Files.readAllBytes(sampled.resolve("samples/step-4.png"))), "the weights moved between the samples");

        assertEquals(0, CliRun.run(concat(sampling, "--out", resumed.toString(), "--steps", "2")).code());
        CliRun r = CliRun.run("train", "--resume", resumed.toString(), "--steps", "5");
        assertEquals(0, r.code(), r.err());
        for (int step : new int[] {2, 4, 5}) {
            Path p = Path.of("samples/step-" + step + ".png");
            assertArrayEquals(Files.readAllBytes(sampled.resolve(p)), Files.readAllBytes(resumed.resolve(p)), p.toString());
        }
    }

    @Test
    void theOfficialPromptsByDefaultInAThreeByTwoGrid(@TempDir Path tmp) throws Exception {
        Path data = TrainCommandTest.imageFolder(tmp.resolve("data"));
        Path run = tmp.resolve("run");
        CliRun c = CliRun.run("train", "--model", MODEL, "--data", data.toString(), "--batch", "2", "--steps", "1",
                "--optimizer", "adamw", "--device", "cpu", "--sample-every", "5", "--out", run.toString());
        assertEquals(0, c.code(), c.err());
        Png.Picture grid = Png.read(run.resolve("samples/step-1.png"));
        assertEquals(3 * 64, grid.image().width(), "5 prompts: 3 columns");
        assertEquals(2 * 64, grid.image().height());
        assertTrue(Files.readString(run.resolve("train.json")).contains("\"sampleEvery\" : 5"));
    }

    @Test
    void badSampleFlagsAreNamedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("r");
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n  \n");
        CliRun e = CliRun.run("train", "--model", MODEL, "--data", tmp.toString(), "--out", out.toString(),
                "--sample-every", "2", "--sample-prompts", empty.toString());
        assertEquals(2, e.code(), e.err());
        assertTrue(e.err().contains("no prompt in it"), e.err());
        CliRun missing = CliRun.run("train", "--model", MODEL, "--data", tmp.toString(), "--out", out.toString(),
                "--sample-every", "2", "--sample-prompts", tmp.resolve("none.txt").toString());
        assertEquals(2, missing.code(), missing.err());
        assertTrue(missing.err().contains("cannot read it"), missing.err());
        CliRun alone = CliRun.run("train", "--model", MODEL, "--data", tmp.toString(), "--out", out.toString(),
                "--sample-prompts", empty.toString());
        assertEquals(2, alone.code(), alone.err());
        assertTrue(alone.err().contains("--sample-prompts needs --sample-every N"), alone.err());
        assertFalse(Files.exists(out));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
