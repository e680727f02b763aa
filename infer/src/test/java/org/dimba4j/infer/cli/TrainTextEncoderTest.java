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

/**
 * {@code dimba train --train-text-encoder}: the checkpoint is a model folder with the trained encoder, which
 * {@code dimba generate} uses, and the run's sample grid is drawn with that same encoder.
 */
class TrainTextEncoderTest {
    private static final Path MODEL = Path.of("../models/tiny-reference");

    @Test
    void theCheckpointGeneratesWithTheTrainedEncoderAsTheSamplesDo(@TempDir Path tmp) throws Exception {
        Path data = TrainCommandTest.imageFolder(tmp.resolve("data"));
        Path prompts = Files.writeString(tmp.resolve("prompts.txt"), "a red square\n");
        Path run = tmp.resolve("run");
        CliRun t = CliRun.run("train", "--model", MODEL.toString(), "--data", data.toString(), "--out", run.toString(),
                "--steps", "3", "--batch", "2", "--lr", "1e-2", "--warmup-steps", "0", "--seed", "5", "--optimizer", "adamw",
                "--device", "cpu", "--train-text-encoder", "--sample-every", "3", "--sample-prompts", prompts.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.readString(run.resolve("train.json")).contains("\"trainTextEncoder\" : true"));
        Path ckpt = run.resolve("checkpoints/step-3");
        assertFalse(Arrays.equals(Files.readAllBytes(MODEL.resolve("text_encoder/model.safetensors")),
                Files.readAllBytes(ckpt.resolve("text_encoder/model.safetensors"))), "the encoder was trained");

        Path trained = tmp.resolve("trained.png"), original = tmp.resolve("original.png"), mixed = tmp.resolve("mixed");
        CliRun g = CliRun.run("generate", "--model", ckpt.toString(), "--prompt", "a red square", "--seed", "5",
                "--device", "cpu", "-o", trained.toString());
        assertEquals(0, g.code(), g.err());
        // the same transformer with the source's frozen encoder draws another picture
        copyTree(ckpt, mixed);
        Files.copy(MODEL.resolve("text_encoder/model.safetensors"), mixed.resolve("text_encoder/model.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, CliRun.run("generate", "--model", mixed.toString(), "--prompt", "a red square", "--seed", "5",
                "--device", "cpu", "-o", original.toString()).code());
        byte[] sample = Png.read(run.resolve("samples/step-3.png")).image().rgb();
        assertArrayEquals(Png.read(trained).image().rgb(), sample, "the sample grid uses the trained encoder");
        assertFalse(Arrays.equals(Png.read(original).image().rgb(), sample), "and the encoder matters to the picture");
    }

    private static void copyTree(Path src, Path dst) throws Exception {
        try (var s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path q = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
    }
}
