package org.dimba4j.infer.cli;

import org.dimba4j.io.image.Png;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.model.random.TorchGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba train} on the tiny reference model and a small image folder, resumed, then sampled from. */
class TrainCommandTest {
    private static final String MODEL = Path.of("../models/tiny-reference").toString();

    /** Four 64x64 pictures of seeded smooth colour gradients with captions, in the imagefolder layout. */
    static Path imageFolder(Path dir) throws Exception {
        Files.createDirectories(dir);
        StringBuilder meta = new StringBuilder();
        String[] captions = {"a red square", "a blue sky", "green grass at noon", "a yellow sun"};
        for (int i = 0; i < captions.length; i++) {
            TorchGenerator g = new TorchGenerator(100 + i);
            RgbImage img = RgbImage.blank(64, 64);
            float r = g.uniformFloat(), gr = g.uniformFloat(), b = g.uniformFloat();
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int k = 3 * (y * 64 + x);
                    img.rgb()[k] = (byte) (255 * r * x / 63);
                    img.rgb()[k + 1] = (byte) (255 * gr * y / 63);
                    img.rgb()[k + 2] = (byte) (255 * b);
                }
            }
            Png.write(dir.resolve("img" + i + ".png"), img, Map.of());
            meta.append("{\"file_name\": \"img").append(i).append(".png\", \"text\": \"").append(captions[i]).append("\"}\n");
        }
        Files.writeString(dir.resolve("metadata.jsonl"), meta);
        return dir;
    }

    @Test
    void trainsResumesAndTheCheckpointGenerates(@TempDir Path tmp) throws Exception {
        Path data = imageFolder(tmp.resolve("data"));
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        String[] common = {"train", "--model", MODEL, "--data", data.toString(), "--batch", "2", "--lr", "1e-3",
                "--warmup-steps", "0", "--seed", "5", "--save-every", "2", "--optimizer", "adamw", "--device", "cpu"};
        CliRun a = CliRun.run(concat(common, "--out", straight.toString(), "--steps", "4"));
        assertEquals(0, a.code(), a.err());
        assertTrue(a.err().contains("train step 4/4 loss "), a.err());
        assertEquals("", a.out(), "stdout carries nothing");
        assertEquals(0, CliRun.run(concat(common, "--out", resumed.toString(), "--steps", "2")).code());
        CliRun r = CliRun.run("train", "--resume", resumed.toString(), "--steps", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming"), r.err());
        Path w = Path.of("checkpoints/step-4/transformer/model.safetensors");
        assertArrayEquals(Files.readAllBytes(straight.resolve(w)), Files.readAllBytes(resumed.resolve(w)));
        assertEquals(Files.readString(straight.resolve("loss.csv")), Files.readString(resumed.resolve("loss.csv")));
        assertTrue(Files.isRegularFile(straight.resolve("loss.png")));
        assertTrue(Files.readString(straight.resolve("train.json")).contains("\"optimizer\" : \"adamw\""));

        Path png = tmp.resolve("from-checkpoint.png");
        CliRun gen = CliRun.run("generate", "--prompt", "a red square", "--model", straight.resolve("checkpoints/step-4").toString(),
                "--steps", "3", "--seed", "1", "--device", "cpu", "-o", png.toString());
        assertEquals(0, gen.code(), gen.err());
        assertEquals(64, Png.read(png).image().width());
    }

    @Test
    void badFlagsAreNamed(@TempDir Path tmp) {
        CliRun noModel = CliRun.run("train", "--data", tmp.toString(), "--out", tmp.resolve("r").toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("needs --model DIR, --data DATA and --out RUN"), noModel.err());
        CliRun stage = CliRun.run("train", "--model", MODEL, "--data", tmp.toString(), "--out", tmp.resolve("r").toString(),
                "--stage", "quality-tune");
        assertEquals(2, stage.code());
        assertTrue(stage.err().contains("--stage quality-tune"), stage.err());
        CliRun betas = CliRun.run("train", "--model", MODEL, "--data", tmp.toString(), "--out", tmp.resolve("r").toString(),
                "--optimizer", "adamw", "--betas", "0.9,0.99,0.999");
        assertEquals(2, betas.code());
        assertTrue(betas.err().contains("AdamW takes 2 betas, got 3"), betas.err());
        CliRun eps = CliRun.run("train", "--model", MODEL, "--data", tmp.toString(), "--out", tmp.resolve("r").toString(),
                "--eps", "1e-30");
        assertEquals(2, eps.code());
        assertTrue(eps.err().contains("CAME takes 2 eps, got 1"), eps.err());
        CliRun ema = CliRun.run("train", "--model", MODEL, "--data", tmp.toString(), "--out", tmp.resolve("r").toString(),
                "--ema-decay", "1");
        assertEquals(2, ema.code());
        assertTrue(ema.err().contains("ema decay must be in [0, 1)"), ema.err());
        CliRun resumeExtra = CliRun.run("train", "--resume", tmp.toString(), "--lr", "1");
        assertEquals(2, resumeExtra.code());
        assertTrue(resumeExtra.err().contains("--resume takes only --steps and --grad-checkpointing; --lr"), resumeExtra.err());
        CliRun notARun = CliRun.run("train", "--resume", tmp.toString());
        assertEquals(1, notARun.code());
        assertTrue(notARun.err().contains("is not a training run: no train.json"), notARun.err());
        assertFalse(Files.exists(tmp.resolve("r")), "nothing written for a refused run");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
