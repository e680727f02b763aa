package org.dimba4j.infer.cli;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba inspect} and {@code dimba convert} through the real command line. */
class InspectConvertCommandTest {
    static final Path TORCH = Path.of("../io/src/test/resources/fixtures/torch");
    @TempDir
    Path dir;

    @Test
    void inspectListsTensorsAndMetadata() {
        CliRun r = CliRun.run("inspect", TORCH.resolve("nested.pt").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tensors: 5, parameters: 27, bytes: 108, dtypes: F32 x 5"), r.out());
        assertTrue(r.out().contains("keys holding tensors: state_dict (5), ema (5)"), r.out());
        assertTrue(r.out().contains("  epoch: 7"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("0\\.weight +F32 +\\[3, 4] +48")), r.out());
        CliRun ema = CliRun.run("inspect", "--key", "ema", TORCH.resolve("nested.pt").toString());
        assertTrue(ema.out().contains("[ema]"), ema.out());
    }

    @Test
    void inspectFailsWithTheReaderMessage() {
        CliRun r = CliRun.run("inspect", TORCH.resolve("malicious_builtins_eval.pt").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("dimba: error: ") && r.err().contains("refusing global '__builtin__.eval'"), r.err());
        assertEquals("", r.out());
        CliRun missing = CliRun.run("inspect", dir.resolve("nope.safetensors").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file or folder"), missing.err());
    }

    @Test
    void convertKeepsNamesDtypesAndValues() {
        Path out = dir.resolve("views.safetensors");
        CliRun r = CliRun.run("convert", TORCH.resolve("views.pt").toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out(), "progress goes to stderr");
        try (SafetensorsFile got = SafetensorsFile.open(out); SafetensorsFile want = SafetensorsFile.open(TORCH.resolve("views.expected.safetensors"))) {
            assertEquals(List.copyOf(want.names()).stream().sorted().toList(), List.copyOf(got.names()).stream().sorted().toList());
            for (String n : want.names()) {
                assertEquals(want.info(n).dtype(), got.info(n).dtype(), n);
                assertArrayEquals(want.bytes(n).toArray(ValueLayout.JAVA_BYTE), got.bytes(n).toArray(ValueLayout.JAVA_BYTE), n);
            }
            assertEquals("views.pt", got.metadata().get("converted_from"));
        }
    }

    @Test
    void convertWithKeyAndF32() {
        Path out = dir.resolve("ema.safetensors");
        assertEquals(0, CliRun.run("convert", "--key", "ema", "--dtype", "f32", TORCH.resolve("nested.pt").toString(), out.toString()).code());
        try (SafetensorsFile got = SafetensorsFile.open(out); SafetensorsFile want = SafetensorsFile.open(TORCH.resolve("nested.ema.expected.safetensors"))) {
            for (String n : want.names()) assertArrayEquals(want.get(n).toFloatArray(), got.get(n).toFloatArray(), n);
            assertEquals("ema", got.metadata().get("source_key"));
            assertEquals("7", got.metadata().get("epoch"));
        }
        Path f32 = dir.resolve("dtypes.safetensors");
        assertEquals(0, CliRun.run("convert", "--dtype", "f32", TORCH.resolve("dtypes.pt").toString(), f32.toString()).code());
        try (SafetensorsFile got = SafetensorsFile.open(f32)) {
            assertEquals(DType.F32, got.info("bf16").dtype());
            assertEquals(DType.I64, got.info("i64").dtype());
        }
        CliRun bad = CliRun.run("convert", "--dtype", "int4", TORCH.resolve("dtypes.pt").toString(), f32.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("int4"), bad.err());
    }

    @Test
    void failedConvertLeavesNoOutput() {
        Path out = dir.resolve("x.safetensors");
        CliRun r = CliRun.run("convert", TORCH.resolve("corrupt_short_storage.pt").toString(), out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("elements need"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void inspectModelFolderSummarisesEachComponent() throws IOException {
        Path model = dir.resolve("model");
        Files.createDirectories(model.resolve("transformer"));
        Files.writeString(model.resolve("transformer/config.json"), "{\"input_size\": 64, \"hidden_size\": 8, \"depth\": 2, \"mamba_ratio\": 1.0, \"unused\": [1,2]}");
        Files.copy(TORCH.resolve("state_dict.pt"), model.resolve("transformer/dimba.pt"));
        Files.createDirectories(model.resolve("text_encoder"));
        Files.writeString(model.resolve("text_encoder/config.json"), "{\"architectures\": [\"T5EncoderModel\"], \"d_model\": 4, \"num_layers\": 1}");
        SafetensorsWriter.writeKeepingDTypes(model.resolve("text_encoder/model.safetensors"),
                Map.of("shared.weight", Tensor.ofSegment(java.lang.foreign.MemorySegment.ofArray(new short[12]), DType.BF16, 3, 4)), Map.of());
        Files.createDirectories(model.resolve("tokenizer"));
        Files.write(model.resolve("tokenizer/spiece.model"), new byte[10]);
        Files.createDirectories(model.resolve("vae"));
        Files.writeString(model.resolve("vae/config.json"), "{\"_class_name\": \"AutoencoderKL\", \"scaling_factor\": 0.13025}");
        CliRun r = CliRun.run("inspect", model.toString());
        assertEquals(1, r.code(), "vae has no weights: " + r.out());
        assertTrue(r.err().contains("vae: no checkpoint in"), r.err());
        String o = r.out();
        assertTrue(o.contains("transformer/\n  config: input_size=64 hidden_size=8 depth=2 mamba_ratio=1.0\n"), o);
        assertTrue(o.contains("  weights: dimba.pt (torch zip checkpoint)\n  tensors: 5, parameters: 27, bytes: 108, dtypes: F32 x 5"), o);
        assertTrue(o.contains("  config: architectures=[\"T5EncoderModel\"] d_model=4 num_layers=1"), o);
        assertTrue(o.contains("tensors: 1, parameters: 12, bytes: 24, dtypes: BF16 x 1"), o);
        assertTrue(o.contains("tokenizer/\n  files: spiece.model (10 bytes)"), o);
        assertTrue(o.contains("vae/\n  config: _class_name=AutoencoderKL scaling_factor=0.13025"), o);

        SafetensorsWriter.write(model.resolve("vae/diffusion_pytorch_model.safetensors"), Map.of("w", Tensor.of(new float[] {1}, 1)), Map.of());
        assertEquals(0, CliRun.run("inspect", model.toString()).code());
    }
}
