package org.dimba4j.infer.cli;

import org.dimba4j.io.image.Png;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba train --stage adapt-resolution --from CKPT --size S}: a 64 px checkpoint trained on at 128 px. */
class TrainAdaptResolutionTest {
    private static final String MODEL = Path.of("../models/tiny-reference").toString();

    @Test
    void adaptsA64PxCheckpointTo128PxResumesAndGenerates(@TempDir Path tmp) throws Exception {
        Path data = TrainCommandTest.imageFolder(tmp.resolve("data"));
        String[] common = {"--data", data.toString(), "--batch", "2", "--lr", "1e-3", "--warmup-steps", "0",
                "--seed", "5", "--save-every", "2", "--optimizer", "adamw", "--device", "cpu"};
        Path pre = tmp.resolve("pre");
        CliRun p = CliRun.run(concat(new String[] {"train", "--model", MODEL, "--out", pre.toString(), "--steps", "2"}, common));
        assertEquals(0, p.code(), p.err());
        Path ckpt = pre.resolve("checkpoints/step-2");

        String[] adapt = concat(new String[] {"train", "--stage", "adapt-resolution", "--from", ckpt.toString(), "--size", "128"}, common);
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        CliRun a = CliRun.run(concat(adapt, "--out", straight.toString(), "--steps", "4"));
        assertEquals(0, a.code(), a.err());
        assertTrue(a.err().contains("encoded online at 128 px"), a.err());
        String json = Files.readString(straight.resolve("train.json"));
        assertTrue(json.contains("\"stage\" : \"adapt-resolution\""), json);
        assertTrue(json.contains("\"from\" : \"" + ckpt.toAbsolutePath().normalize() + "\""), json);
        assertTrue(json.contains("\"size\" : 128"), json);
        String config = Files.readString(straight.resolve("checkpoints/step-4/transformer/config.json"));
        assertTrue(config.contains("\"input_size\" : 16") && config.contains("\"pe_interpolation\" : 2.0"), config);

        assertEquals(0, CliRun.run(concat(adapt, "--out", resumed.toString(), "--steps", "2")).code());
        CliRun r = CliRun.run("train", "--resume", resumed.toString(), "--steps", "4");
        assertEquals(0, r.code(), r.err());
        Path w = Path.of("checkpoints/step-4/transformer/model.safetensors");
        assertArrayEquals(Files.readAllBytes(straight.resolve(w)), Files.readAllBytes(resumed.resolve(w)));

        Path png = tmp.resolve("adapted.png");
        CliRun gen = CliRun.run("generate", "--prompt", "a red square", "--model", straight.resolve("checkpoints/step-4").toString(),
                "--steps", "2", "--seed", "1", "--device", "cpu", "-o", png.toString());
        assertEquals(0, gen.code(), gen.err());
        assertEquals(128, Png.read(png).image().width());
    }

    @Test
    void badFlagsAreNamedBeforeAnythingIsWritten(@TempDir Path tmp) {
        Path out = tmp.resolve("r");
        String[] base = {"train", "--stage", "adapt-resolution", "--data", tmp.toString(), "--out", out.toString()};
        assertRefused(concat(base, "--from", MODEL, "--size", "72"), "--size 72 must be a positive multiple of 16");
        assertRefused(concat(base, "--from", MODEL, "--size", "64"), "--size 64 is the size");
        assertRefused(concat(base, "--from", tmp.resolve("none").toString(), "--size", "128"), "is not a model folder");
        assertRefused(concat(base, "--size", "128"), "needs --from CKPT");
        assertRefused(concat(base, "--from", MODEL), "needs --size S");
        assertRefused(concat(base, "--from", MODEL, "--size", "128", "--model", MODEL), "drop --model");
        assertRefused(new String[] {"train", "--model", MODEL, "--data", tmp.toString(), "--out", out.toString(),
                "--size", "128"}, "--from and --size belong to --stage adapt-resolution");
        assertFalse(Files.exists(out), "nothing written for a refused run");
    }

    private static void assertRefused(String[] args, String message) {
        CliRun r = CliRun.run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
