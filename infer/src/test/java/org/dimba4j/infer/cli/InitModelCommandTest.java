package org.dimba4j.infer.cli;

import org.dimba4j.infer.bundle.InitialModelFolder;
import org.dimba4j.infer.bundle.ShapesPreset;
import org.dimba4j.io.image.Png;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.tokenizer.SentencePieceTokenizer;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaInit;
import org.dimba4j.model.dimba.DimbaKeys;
import org.dimba4j.model.t5.T5Config;
import org.dimba4j.model.t5.T5Init;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba init-model}: a complete folder under the size budget that generate runs on. */
class InitModelCommandTest {
    /** Captions in the phrasings of issue 17 and of the shapes caption writer (lead-ins, digits, "big", relations). */
    static final String[] CAPTIONS = {"a red circle", "two small blue squares", "a large yellow triangle above a green circle",
            "three purple circles on the left of an orange square", "2 big green triangles to the right of one small red square",
            "a picture of four small orange circles", "an image of a blue square below 3 yellow triangles",
            "a drawing of two purple squares beneath a large red circle", "a simple illustration of one green triangle over 4 blue circles",
            "a red square left of a blue circle", "a big orange triangle right of two red circles", "one yellow circle with a purple square",
            "a green square and a small yellow triangle", "1 blue triangle under a big purple circle"};

    @Test
    void writesAFolderThatGenerateRuns(@TempDir Path tmp) throws Exception {
        Path m = tmp.resolve("m");
        CliRun r = CliRun.run("init-model", "--preset", "shapes-64", "--seed", "3", "-o", m.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("transformer: Dimba hidden 192, depth 6, 64 tokens, 5,649,888 parameters"), r.err());
        for (String part : new String[] {"model_index.json", "tokenizer/tokenizer.json", "tokenizer/tokenizer_config.json",
                "text_encoder/config.json", "text_encoder/model.safetensors", "vae/config.json",
                "vae/diffusion_pytorch_model.safetensors", "transformer/config.json", "transformer/model.safetensors"}) {
            assertTrue(Files.isRegularFile(m.resolve(part)), part);
        }
        assertFalse(Files.exists(tmp.resolve("m.tmp")));
        long bytes = InitialModelFolder.size(m);
        assertTrue(bytes < ShapesPreset.FOLDER_BUDGET_BYTES, bytes + " bytes");

        DimbaConfig cfg = DimbaConfig.load(m.resolve("transformer/config.json"));
        assertEquals(16, cfg.inputSize());
        assertEquals(128, cfg.captionChannels());
        try (SafetensorsFile w = SafetensorsFile.open(m.resolve("transformer/model.safetensors"))) {
            assertEquals(DimbaKeys.expected(cfg).keySet(), w.names());
            assertArrayEquals(DimbaInit.initialise(cfg, 3).get("blocks.4.mlp.fc1.weight").toFloatArray(),
                    w.get("blocks.4.mlp.fc1.weight").toFloatArray());
        }

        SentencePieceTokenizer tok = SentencePieceTokenizer.load(m.resolve("tokenizer"));
        for (String c : CAPTIONS) {
            int[] ids = tok.encode(c);
            assertEquals(c.split(" ").length + 1, ids.length, "one token per word: " + c);
            assertTrue(ids.length <= ShapesPreset.MODEL_MAX_LENGTH);
            for (int id : ids) assertTrue(id != 2, "<unk> in " + c);
        }

        Path png = tmp.resolve("out.png");
        CliRun gen = CliRun.run("generate", "--model", m.toString(), "--prompt", CAPTIONS[3], "--steps", "2", "--seed", "1",
                "--device", "cpu", "-o", png.toString());
        assertEquals(0, gen.code(), gen.err());
        assertEquals(64, Png.read(png).image().width());

        // a 4x VAE: the cache and training read 64-px images for the 16 x 16 latent, not input_size x 8
        Path data = tmp.resolve("shapes4");
        org.dimba4j.train.data.shapes.ShapesDatasetWriter.write(data, 4, 64, 1);
        CliRun cache = CliRun.run("cache", "--model", m.toString(), "--data", data.toString(), "-o", tmp.resolve("cache").toString(),
                "--device", "cpu");
        assertEquals(0, cache.code(), cache.err());
        assertTrue(cache.err().contains("4 examples at 64 px"), cache.err());
    }

    @Test
    void takesATrainedVaeAndSizesTheTransformerToIt(@TempDir Path tmp) throws Exception {
        Path m = tmp.resolve("m");
        Path vae = Path.of("../models/tiny-reference"); // a model folder: its vae/ (8x down) is used
        CliRun r = CliRun.run("init-model", "--preset", "shapes-64", "--vae", vae.toString(), "-o", m.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(8, DimbaConfig.load(m.resolve("transformer/config.json")).inputSize());
        assertArrayEquals(Files.readAllBytes(vae.resolve("vae/diffusion_pytorch_model.safetensors")),
                Files.readAllBytes(m.resolve("vae/diffusion_pytorch_model.safetensors")));
    }

    @Test
    void badArgumentsAreNamedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        CliRun preset = CliRun.run("init-model", "--preset", "huge", "-o", tmp.resolve("a").toString());
        assertEquals(2, preset.code());
        assertTrue(preset.err().contains("--preset huge: known presets: shapes-64"), preset.err());
        CliRun vae = CliRun.run("init-model", "--preset", "shapes-64", "--vae", tmp.toString(), "-o", tmp.resolve("b").toString());
        assertEquals(2, vae.code());
        assertTrue(vae.err().contains("neither it nor its vae/ holds config.json"), vae.err());
        Files.createDirectories(tmp.resolve("c"));
        CliRun exists = CliRun.run("init-model", "--preset", "shapes-64", "-o", tmp.resolve("c").toString());
        assertEquals(2, exists.code());
        assertTrue(exists.err().contains("already exists"), exists.err());
        CliRun std = CliRun.run("init-model", "--preset", "shapes-64", "--t5-bias-std", "-0.5", "-o", tmp.resolve("d").toString());
        assertEquals(2, std.code());
        assertTrue(std.err().contains("--t5-bias-std -0.5: expected a positive number or 'official'"), std.err());
        assertFalse(Files.exists(tmp.resolve("a")) || Files.exists(tmp.resolve("b")) || Files.exists(tmp.resolve("d")));
    }

    @Test
    void theTextEncodersPositionBiasIsThePresetsOrTransformers(@TempDir Path tmp) throws Exception {
        String bias = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
        for (String std : new String[] {null, "official", "0.25"}) {
            Path m = tmp.resolve(std == null ? "preset" : std);
            CliRun r = std == null ? CliRun.run("init-model", "--preset", "shapes-64", "--seed", "2", "-o", m.toString())
                    : CliRun.run("init-model", "--preset", "shapes-64", "--seed", "2", "--t5-bias-std", std, "-o", m.toString());
            assertEquals(0, r.code(), r.err());
            var t5 = ShapesPreset.textEncoder(T5Config.read(m.resolve("text_encoder/config.json")).vocabSize());
            double expected = std == null || std.equals("official") ? T5Init.officialRelativeAttentionBiasStd(t5) : 0.25;
            try (SafetensorsFile w = SafetensorsFile.open(m.resolve("text_encoder/model.safetensors"))) {
                assertArrayEquals(T5Init.initialise(t5, 2, expected).get(bias).toFloatArray(),
                        w.get(bias).toFloatArray(), String.valueOf(std));
            }
        }
    }
}
