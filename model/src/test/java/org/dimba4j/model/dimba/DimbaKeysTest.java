package org.dimba4j.model.dimba;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DimbaKeysTest {

    /** Counts from the official code (the official model built at L/512 and G/512; see docs/design.md). */
    @Test
    void releasedModelsHaveTheOfficialTensorCountsAndParameters() {
        assertCounts("dimba-l-512", 913, 859_517_600L);
        assertCounts("dimba-g-512", 1297, 1_819_807_648L);
        // 1024 px differs only in the pos_embed buffer
        assertEquals(913, DimbaKeys.expected(DimbaConfig.named("dimba-l-1024")).size());
    }

    private static void assertCounts(String name, int tensors, long learnable) {
        Map<String, int[]> m = DimbaKeys.expected(DimbaConfig.named(name));
        assertEquals(tensors, m.size(), name + " tensors");
        long params = m.entrySet().stream()
                .filter(e -> !e.getKey().equals("pos_embed") && !e.getKey().equals("y_embedder.y_embedding"))
                .mapToLong(e -> Shape.numel(e.getValue())).sum();
        assertEquals(learnable, params, name + " learnable parameters");
    }

    @Test
    void officialNamesAndShapesOfL512() {
        Map<String, int[]> m = DimbaKeys.expected(DimbaConfig.named("dimba-l-512"));
        assertEquals("[1, 1024, 1152]", Shape.str(m.get("pos_embed")));
        assertEquals("[300, 4096]", Shape.str(m.get("y_embedder.y_embedding")));
        assertEquals("[104, 2304]", Shape.str(m.get("mamba_blocks.27.mixer.x_proj_b.weight")));
        assertEquals("[2304, 72]", Shape.str(m.get("mamba_blocks.0.mixer.dt_proj.weight")));
        assertEquals("[2304, 1, 4]", Shape.str(m.get("mamba_blocks.0.mixer.conv1d_b.weight")));
        assertEquals("[32, 1152]", Shape.str(m.get("final_layer.linear.weight")));
        assertEquals("[6912, 1152]", Shape.str(m.get("t_block.1.weight")));
    }

    @Test
    void loadingRejectsMissingUnexpectedAndMisShapedTensors(@TempDir Path dir) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = Fixtures.open("tiny/model.safetensors")) {
            for (String n : f.names()) tensors.put(n, f.get(n).toF32());
        }
        Files.copy(Fixtures.path("tiny/config.json"), dir.resolve("config.json"));
        tensors.remove("blocks.1.mlp.fc2.bias");
        tensors.put("final_layer.linear.weight", Tensor.zeros(16, 32));
        tensors.put("extra.weight", Tensor.zeros(3));
        tensors.put("pos_embed", Tensor.zeros(1, 64, 32)); // another training grid: fine, it is recomputed
        tensors.put("y_embedder.y_embedding", Tensor.zeros(8, 32));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> Dimba.load(dir, Backends.cpu()));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing tensor blocks.1.mlp.fc2.bias [32]"), msg);
        assertTrue(msg.contains("tensor final_layer.linear.weight has shape [16, 32], expected [32, 32]"), msg);
        assertTrue(msg.contains("unexpected tensor extra.weight [3]"), msg);
        assertTrue(msg.contains("tensor y_embedder.y_embedding has shape [8, 32], expected [8, 24]"), msg);
        assertTrue(msg.contains("model.safetensors"), msg);
        assertTrue(msg.contains("4 problem(s)"), msg);
    }

    @Test
    void posEmbedBufferMayBeAbsentAsInTheOfficialInferenceScript(@TempDir Path dir) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsFile f = Fixtures.open("tiny/model.safetensors")) {
            for (String n : f.names()) if (!n.equals("pos_embed")) tensors.put(n, f.get(n).toF32());
        }
        Files.copy(Fixtures.path("tiny/config.json"), dir.resolve("config.json"));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of());
        try (Dimba model = Dimba.load(dir, Backends.cpu()); SafetensorsFile io = Fixtures.open("tiny-io.safetensors")) {
            Fixtures.assertClose(io.get("out"), model.forward(io.get("x"), io.get("timestep"), io.get("y"), io.get("mask")),
                    1e-4, "without pos_embed");
        }
    }

    @Test
    void loadsShardsThroughTheirIndex(@TempDir Path dir) throws IOException {
        Map<String, Tensor> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        try (SafetensorsFile f = Fixtures.open("tiny/model.safetensors")) {
            for (String n : f.names()) {
                boolean a = n.startsWith("blocks.") || n.startsWith("pos");
                (a ? first : second).put(n, f.get(n).toF32());
                if (index.charAt(index.length() - 1) != '{') index.append(", ");
                index.append('"').append(n).append("\": \"").append(a ? "m-1.safetensors" : "m-2.safetensors").append('"');
            }
        }
        SafetensorsWriter.write(dir.resolve("m-1.safetensors"), first, Map.of());
        SafetensorsWriter.write(dir.resolve("m-2.safetensors"), second, Map.of());
        Files.writeString(dir.resolve("diffusion_pytorch_model.safetensors.index.json"), index.append("}}").toString());
        Files.copy(Fixtures.path("tiny/config.json"), dir.resolve("config.json"));
        try (Dimba model = Dimba.load(dir, Backends.cpu()); SafetensorsFile io = Fixtures.open("tiny-io.safetensors")) {
            Fixtures.assertClose(io.get("out"), model.forward(io.get("x"), io.get("timestep"), io.get("y"), io.get("mask")),
                    1e-4, "sharded");
        }
    }

    @Test
    void missingWeightsFileIsNamed(@TempDir Path dir) throws IOException {
        Files.copy(Fixtures.path("tiny/config.json"), dir.resolve("config.json"));
        var e = assertThrows(org.dimba4j.io.CheckpointException.class, () -> Dimba.load(dir, Backends.cpu()));
        assertTrue(e.getMessage().contains("no checkpoint in " + dir), e.getMessage());
    }
}
