package org.dimba4j.model.vae;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.dimba4j.model.vae.VaeFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key names, bad checkpoints and bad inputs: each error names the tensor and the shapes. */
class AutoencoderKLLoadingTest {
    static final Backend B = Backends.cpu();

    @TempDir
    Path tmp;

    /** A copy of the small fixture model whose tensors went through {@code edit}. */
    private Path editedCopy(String model, Consumer<Map<String, Tensor>> edit) throws IOException {
        Path src = VaeFixtures.resource(model);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(src.resolve("diffusion_pytorch_model.safetensors"))) {
            for (String n : f.names()) tensors.put(n, f.get(n).toF32());
        }
        edit.accept(tensors);
        Path dir = tmp.resolve(model);
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        SafetensorsWriter.write(dir.resolve("diffusion_pytorch_model.safetensors"), tensors, Map.of());
        return dir;
    }

    private static void rename(Map<String, Tensor> t, String from, String to) {
        Map<String, Tensor> copy = new LinkedHashMap<>(t);
        t.clear();
        copy.forEach((k, v) -> t.put(k.replace(from, to), v));
    }

    @Test
    void oldAttentionKeyNamesAndConvShapedProjectionsLoad() throws IOException {
        Path dir = editedCopy("sdxl-tiny", t -> {
            rename(t, ".to_q.", ".query.");
            rename(t, ".to_k.", ".key.");
            rename(t, ".to_v.", ".value.");
            rename(t, ".to_out.0.", ".proj_attn.");
            // the original LDM checkpoints stored these projections as 1x1 convs
            Tensor w = t.get("decoder.mid_block.attentions.0.query.weight");
            t.put("decoder.mid_block.attentions.0.query.weight", w.reshape(w.dim(0), w.dim(1), 1, 1));
        });
        try (AutoencoderKL vae = AutoencoderKL.load(dir, B); SafetensorsFile out = VaeFixtures.outputs("sdxl-tiny")) {
            assertClose(out.get("square.decoded"), vae.decode(out.get("square.latents")), AutoencoderKLTest.TOL, "old names decode");
            assertClose(out.get("square.mean"), vae.encode(out.get("square.image")).mean(), AutoencoderKLTest.TOL, "old names encode");
        }
    }

    @Test
    void modelFolderWithVaeSubfolderLoads() throws IOException {
        Path model = tmp.resolve("model");
        Path vae = editedCopy("small", t -> {});
        Files.move(vae, Files.createDirectories(model).resolve("vae"));
        try (AutoencoderKL loaded = AutoencoderKL.load(model, B)) {
            assertTrue(loaded.config().blockOutChannels().length == 3);
        }
    }

    @Test
    void shardedCheckpointWithIndexLoads() throws IOException {
        Path dir = editedCopy("small", t -> {});
        Map<String, Tensor> all = new LinkedHashMap<>(), first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("diffusion_pytorch_model.safetensors"))) {
            for (String n : f.names()) all.put(n, f.get(n).toF32());
        }
        StringBuilder map = new StringBuilder();
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            boolean enc = e.getKey().startsWith("encoder.");
            (enc ? first : second).put(e.getKey(), e.getValue());
            String shard = enc ? "m-00001-of-00002.safetensors" : "m-00002-of-00002.safetensors";
            map.append(map.isEmpty() ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(shard).append('"');
        }
        Files.delete(dir.resolve("diffusion_pytorch_model.safetensors"));
        SafetensorsWriter.write(dir.resolve("m-00001-of-00002.safetensors"), first, Map.of());
        SafetensorsWriter.write(dir.resolve("m-00002-of-00002.safetensors"), second, Map.of());
        Files.writeString(dir.resolve("diffusion_pytorch_model.safetensors.index.json"), "{\"metadata\": {}, \"weight_map\": {" + map + "}}");
        try (AutoencoderKL vae = AutoencoderKL.load(dir, B); SafetensorsFile out = VaeFixtures.outputs("small")) {
            assertClose(out.get("tall.decoded"), vae.decode(out.get("tall.latents")), AutoencoderKLTest.TOL, "sharded decode");
        }
    }

    @Test
    void aSingleDifferentlyNamedCheckpointIsFound() throws IOException {
        Path dir = editedCopy("small", t -> {});
        Files.move(dir.resolve("diffusion_pytorch_model.safetensors"), dir.resolve("sdxl_vae.safetensors"));
        try (AutoencoderKL vae = AutoencoderKL.load(dir, B); SafetensorsFile out = VaeFixtures.outputs("small")) {
            assertClose(out.get("square.mean"), vae.encode(out.get("square.image")).mean(), AutoencoderKLTest.TOL, "renamed file");
        }
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path dir = editedCopy("small", t -> t.remove("decoder.conv_out.bias"));
        var e = assertThrows(IllegalArgumentException.class, () -> AutoencoderKL.load(dir, B));
        assertTrue(e.getMessage().contains("'decoder.conv_out.bias' [3] is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("diffusion_pytorch_model.safetensors"), e.getMessage());
    }

    @Test
    void misShapedTensorNamesBothShapes() throws IOException {
        Path dir = editedCopy("small", t -> t.put("encoder.conv_in.weight", Tensor.zeros(16, 3, 3, 1)));
        var e = assertThrows(IllegalArgumentException.class, () -> AutoencoderKL.load(dir, B));
        assertTrue(e.getMessage().contains("'encoder.conv_in.weight' has shape [16, 3, 3, 1], expected [16, 3, 3, 3]"), e.getMessage());
    }

    @Test
    void unexpectedTensorIsReported() throws IOException {
        Path dir = editedCopy("small", t -> t.put("quant_conv.weight", Tensor.zeros(12, 12, 1, 1)));
        var e = assertThrows(IllegalArgumentException.class, () -> AutoencoderKL.load(dir, B));
        assertTrue(e.getMessage().contains("quant_conv.weight"), e.getMessage());
    }

    @Test
    void unsupportedBlockTypeIsRejected() throws IOException {
        Path dir = editedCopy("small", t -> {});
        String cfg = Files.readString(dir.resolve("config.json")).replaceFirst("\"DownEncoderBlock2D\"", "\"AttnDownEncoderBlock2D\"");
        Files.writeString(dir.resolve("config.json"), cfg);
        var e = assertThrows(IllegalArgumentException.class, () -> AutoencoderKL.load(dir, B));
        assertTrue(e.getMessage().contains("AttnDownEncoderBlock2D") && e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void wrongInputShapesAreNamed() {
        try (AutoencoderKL vae = AutoencoderKL.load(VaeFixtures.resource("small"), B)) {
            var d = assertThrows(IllegalArgumentException.class, () -> vae.decode(Tensor.zeros(1, 4, 3, 3)));
            assertTrue(d.getMessage().contains("'latents' has shape [1, 4, 3, 3], expected [N, 6, H, W]"), d.getMessage());
            var s = assertThrows(IllegalArgumentException.class, () -> vae.encode(Tensor.zeros(3, 8, 8)));
            assertTrue(s.getMessage().contains("'sample'"), s.getMessage());
            var n = assertThrows(IllegalArgumentException.class,
                    () -> vae.encode(Tensor.zeros(1, 3, 8, 8)).sample(B, Tensor.zeros(1, 6, 3, 2)));
            assertTrue(n.getMessage().contains("noise has shape [1, 6, 3, 2], expected [1, 6, 2, 2]"), n.getMessage());
        }
    }
}
