package org.dimba4j.model.t5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Hidden states against transformers' T5EncoderModel (tools/fixtures/t5/make_fixtures.py), and load errors. */
class T5EncoderTest {

    static Path fixture(String name) {
        try {
            return Path.of(T5EncoderTest.class.getResource("/fixtures/t5/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"v11-gated", "orig-relu", "gated-bf16-sharded"})
    void lastHiddenStateMatchesTransformers(String name) {
        Path dir = fixture(name);
        try (Backend be = Backends.cpu(); T5Encoder enc = T5Encoder.load(dir, be); SafetensorsFile io = SafetensorsFile.open(dir.resolve("io.safetensors"))) {
            Tensor ids = io.get("input_ids"), mask = io.get("attention_mask"), want = io.get("last_hidden_state");
            Tensor got = be.download(enc.encode(ids, mask));
            assertArrayEquals(want.shape(), got.shape());
            float[] w = want.toFloatArray(), g = got.toFloatArray();
            double maxErr = 0;
            for (int i = 0; i < w.length; i++) maxErr = Math.max(maxErr, Math.abs(w[i] - g[i]));
            assertTrue(maxErr < 1e-4, name + ": max |diff| " + maxErr);
        }
    }

    @Test
    void maskMattersAndPaddingRowsStillGetOutputs() {
        Path dir = fixture("v11-gated");
        try (Backend be = Backends.cpu(); T5Encoder enc = T5Encoder.load(dir, be); SafetensorsFile io = SafetensorsFile.open(dir.resolve("io.safetensors"))) {
            Tensor ids = io.get("input_ids"), want = io.get("last_hidden_state");
            float[] unmasked = be.download(enc.encode(ids, null)).toFloatArray();
            float[] w = want.toFloatArray();
            // row 0 has no padding: same with or without the mask; row 1 has padding: must differ without it
            int rowSize = w.length / 3;
            double d0 = 0, d1 = 0;
            for (int i = 0; i < rowSize; i++) {
                d0 = Math.max(d0, Math.abs(unmasked[i] - w[i]));
                d1 = Math.max(d1, Math.abs(unmasked[rowSize + i] - w[rowSize + i]));
            }
            assertTrue(d0 < 1e-4, "unpadded row changed by " + d0);
            assertTrue(d1 > 1e-3, "ignoring the mask changed the padded row only by " + d1);
        }
    }

    @Test
    void bf16WeightsStayMappedNotCopied() {
        try (Backend be = Backends.cpu(); T5Encoder enc = T5Encoder.load(fixture("gated-bf16-sharded"), be)) {
            Tensor e = enc.embedTokens();
            assertEquals(org.dimba4j.kernels.DType.BF16, e.dtype());
            assertNotNull(e.segment(), "embedding should be a view of the mapped shard");
            assertFalse(e.isHostF32Array());
        }
    }

    @Test
    void bucketsMatchTransformers() throws IOException {
        JsonNode all = new ObjectMapper().readTree(fixture("buckets.json").toFile());
        int checked = 0;
        for (JsonNode c : all) {
            int nb = c.path("num_buckets").asInt(), md = c.path("max_distance").asInt(), first = c.path("first").asInt();
            JsonNode b = c.path("buckets");
            for (int i = 0; i < b.size(); i++) {
                assertEquals(b.get(i).asInt(), T5RelativePositionBias.bucket(first + i, nb, md),
                        "bucket of " + (first + i) + " for num_buckets " + nb + ", max_distance " + md);
                checked++;
            }
        }
        assertEquals(5 * 1401, checked);
    }

    private static Path copyFixture(String name, Path tmp) throws IOException {
        Path src = fixture(name), dst = tmp.resolve(name);
        Files.createDirectories(dst);
        try (var s = Files.list(src)) {
            for (Path p : s.toList()) Files.copy(p, dst.resolve(p.getFileName()));
        }
        return dst;
    }

    private static void rewrite(Path file, java.util.function.Consumer<Map<String, Tensor>> edit) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String n : f.names()) m.put(n, f.get(n).toF32());
        }
        edit.accept(m);
        SafetensorsWriter.write(file, m, Map.of());
    }

    @Test
    void missingTensorIsNamedWithItsShape(@TempDir Path tmp) throws IOException {
        Path dir = copyFixture("v11-gated", tmp);
        rewrite(dir.resolve("model.safetensors"), m -> m.remove("encoder.block.1.layer.1.DenseReluDense.wi_1.weight"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> T5Encoder.load(dir, Backends.cpu()));
        assertTrue(e.getMessage().contains("encoder.block.1.layer.1.DenseReluDense.wi_1.weight") && e.getMessage().contains("[48, 32]"), e.getMessage());
    }

    @Test
    void mismatchedTensorNamesKeyAndBothShapes(@TempDir Path tmp) throws IOException {
        Path dir = copyFixture("v11-gated", tmp);
        rewrite(dir.resolve("model.safetensors"), m -> m.put("encoder.block.0.layer.0.SelfAttention.o.weight", Tensor.zeros(32, 16)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> T5Encoder.load(dir, Backends.cpu()));
        String msg = e.getMessage();
        assertTrue(msg.contains("encoder.block.0.layer.0.SelfAttention.o.weight") && msg.contains("[32, 16]") && msg.contains("[32, 32]"), msg);
    }

    @Test
    void embedTokensAloneIsAccepted(@TempDir Path tmp) throws IOException {
        Path dir = copyFixture("orig-relu", tmp);
        rewrite(dir.resolve("model.safetensors"), m -> m.remove("shared.weight"));
        try (Backend be = Backends.cpu(); T5Encoder enc = T5Encoder.load(dir, be); SafetensorsFile io = SafetensorsFile.open(dir.resolve("io.safetensors"))) {
            float[] g = be.download(enc.encode(io.get("input_ids"), io.get("attention_mask"))).toFloatArray();
            float[] w = io.get("last_hidden_state").toFloatArray();
            for (int i = 0; i < w.length; i++) assertEquals(w[i], g[i], 1e-4);
        }
    }

    @Test
    void badConfigAndIdsAreReported(@TempDir Path tmp) throws IOException {
        Path dir = copyFixture("v11-gated", tmp);
        try (Backend be = Backends.cpu(); T5Encoder enc = T5Encoder.load(dir, be)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> enc.encode(Tensor.ofLongs(new long[] {5, 160}, 1, 2), null));
            assertTrue(e.getMessage().contains("160"), e.getMessage());
        }
        String cfg = Files.readString(dir.resolve("config.json")).replace("\"gated-gelu\"", "\"gated-tanh-x\"");
        Files.writeString(dir.resolve("config.json"), cfg);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> T5Encoder.load(dir, Backends.cpu()));
        assertTrue(e.getMessage().contains("gated-tanh-x") && e.getMessage().contains("config.json"), e.getMessage());
    }
}
