package org.dimba4j.infer.parity;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.infer.e2e.TinyReference;
import org.dimba4j.infer.parity.OfficialConfigDeriver.Overrides;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.DType;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.kernels.Storage;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OfficialConfigDeriverTest {

    @Test
    void tinyCheckpointGivesItsOwnConfig() throws IOException {
        assertDerivesConfigOf(TinyReference.model().resolve("transformer"));
        assertDerivesConfigOf(TinyReference.variant().resolve("transformer"));
    }

    private static void assertDerivesConfigOf(Path dir) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> expected = new ObjectMapper().readValue(dir.resolve("config.json").toFile(), Map.class);
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            Map<String, Object> got = OfficialConfigDeriver.derive(f, new Overrides(null, OptionalInt.of(4),
                    OptionalInt.empty(), OptionalDouble.of(((Number) expected.get("pe_interpolation")).doubleValue())));
            assertEquals(expected.keySet(), got.keySet());
            for (String k : expected.keySet()) {
                Object e = expected.get(k), g = got.get(k);
                if (e instanceof Number en) assertEquals(en.doubleValue(), ((Number) g).doubleValue(), 0, k);
                else assertEquals(e, g, k);
            }
        }
    }

    @Test
    void releasedLargeAt512IsRecognisedFromShapes() throws IOException {
        Map<String, Object> c = OfficialConfigDeriver.derive(official(1152, 28, true, 1024), Overrides.none());
        assertEquals(OfficialVariant.L_512.config(),
                DimbaConfig.parse(new ObjectMapper().writeValueAsString(c), "derived"));
        assertEquals("dimba-l-512", c.get("_official_variant"));
        assertEquals(64, c.get("input_size"));
        assertEquals(16, c.get("num_heads"));
        assertEquals(1.0, c.get("pe_interpolation"));
        assertEquals(300, c.get("model_max_length"));
        assertEquals(4096, c.get("caption_channels"));
        assertEquals(1.0, c.get("mamba_ratio"));
        assertEquals(4.0, c.get("mlp_ratio"));
        assertEquals(16, c.get("d_state"));
        assertEquals(4, c.get("d_conv"));
        assertEquals(2, c.get("expand"));
        assertEquals(true, c.get("learn_sigma"));
    }

    @Test
    void giantAt1024WithoutPosEmbedNeedsTheVariant() throws IOException {
        TensorSource g = official(1408, 40, false, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> OfficialConfigDeriver.derive(g, Overrides.none()));
        assertTrue(e.getMessage().endsWith("has no pos_embed to tell its resolution: give --variant or --image-size"));
        Map<String, Object> c = OfficialConfigDeriver.derive(g, new Overrides(OfficialVariant.G_1024,
                OptionalInt.empty(), OptionalInt.empty(), OptionalDouble.empty()));
        assertEquals(128, c.get("input_size"));
        assertEquals(2.0, c.get("pe_interpolation"));
        assertEquals(40, c.get("depth"));
        assertEquals(OfficialVariant.G_1024.config(), DimbaConfig.parse(new ObjectMapper().writeValueAsString(c), "g"));
        var wrong = assertThrows(IllegalArgumentException.class, () -> OfficialConfigDeriver.derive(g,
                new Overrides(OfficialVariant.L_1024, OptionalInt.empty(), OptionalInt.empty(), OptionalDouble.empty())));
        assertTrue(wrong.getMessage().contains("dimba-l-1024 has hidden 1152, depth 28, 1024 px; the checkpoint has "
                + "hidden 1408, depth 40, 1024 px"), wrong.getMessage());
    }

    @Test
    void variantNames() {
        assertEquals(OfficialVariant.G_1024, OfficialVariant.parse("dimba-g-1024"));
        assertEquals(OfficialVariant.L_512, OfficialVariant.parse("l-512"));
        assertThrows(IllegalArgumentException.class, () -> OfficialVariant.parse("dimba-xl-512"));
    }

    /** Tensor names and shapes of an official checkpoint (dimba-l-512-expected-keys.txt's pattern), no data. */
    private static TensorSource official(int c, int depth, boolean posEmbed, int tokens) {
        Map<String, int[]> s = new LinkedHashMap<>();
        if (posEmbed) s.put("pos_embed", new int[] {1, tokens, c});
        s.put("x_embedder.proj.weight", new int[] {c, 4, 2, 2});
        s.put("y_embedder.y_embedding", new int[] {300, 4096});
        s.put("final_layer.linear.weight", new int[] {32, c});
        int dt = (c + 15) / 16;
        for (int i = 0; i < depth; i++) {
            s.put("blocks." + i + ".mlp.fc1.weight", new int[] {4 * c, c});
            s.put("mamba_blocks." + i + ".mixer.A_log", new int[] {2 * c, 16});
            s.put("mamba_blocks." + i + ".mixer.conv1d.weight", new int[] {2 * c, 1, 4});
            s.put("mamba_blocks." + i + ".mixer.dt_proj.weight", new int[] {2 * c, dt});
        }
        Storage none = () -> Long.MAX_VALUE;     // shapes only: nothing here reads elements
        return new TensorSource() {
            public Set<String> names() {
                return s.keySet();
            }

            public Tensor get(String name) {
                return new Tensor(none, DType.F32, s.get(name));
            }

            public String description() {
                return "official-test.pt";
            }
        };
    }
}
