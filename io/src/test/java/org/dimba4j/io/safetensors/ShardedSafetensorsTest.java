package org.dimba4j.io.safetensors;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardedSafetensorsTest {
    @TempDir
    Path dir;

    private Path twoShards(String weightMap) throws IOException {
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                Map.of("a", Tensor.of(new float[] {1, 2}, 2)), Map.of());
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                Map.of("b", Tensor.of(new float[] {3, 4, 5}, 3)), Map.of());
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\":{\"total_size\":20},\"weight_map\":" + weightMap + "}");
        return index;
    }

    @Test
    void readsTensorsAcrossShards() throws IOException {
        Path index = twoShards("{\"b\":\"model-00002-of-00002.safetensors\",\"a\":\"model-00001-of-00002.safetensors\"}");
        try (ShardedSafetensors s = ShardedSafetensors.open(index)) {
            assertEquals(List.of("b", "a"), List.copyOf(s.names()));
            assertArrayEquals(new float[] {3, 4, 5}, s.get("b").toFloatArray());
            assertArrayEquals(new float[] {1, 2}, s.get("a").toFloatArray());
            assertEquals("20", s.metadata().get("total_size"));
            assertEquals(2, s.shardCount());
        }
    }

    @Test
    void tensorInTheWrongShard() throws IOException {
        Path index = twoShards("{\"a\":\"model-00002-of-00002.safetensors\"}");
        var e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(index));
        assertTrue(e.getMessage().contains("tensor 'a' is listed in shard model-00002-of-00002.safetensors"), e.getMessage());
    }

    @Test
    void missingShardOrEscapingPath() throws IOException {
        var e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(twoShards("{\"a\":\"nope.safetensors\"}")));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(twoShards("{\"a\":\"../x.safetensors\"}")));
        assertTrue(e.getMessage().contains("is not a file in"), e.getMessage());
        e = assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(twoShards("{\"a\":\"/etc/passwd\"}")));
        assertTrue(e.getMessage().contains("is not a file in"), e.getMessage());
    }

    @Test
    void badIndexJson() throws IOException {
        Path index = dir.resolve("x.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": [1]}");
        assertTrue(assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(index)).getMessage().contains("weight_map"));
        Files.writeString(index, "{\"weight_map\": {\"a\":\"x\", \"a\":\"y\"}}");
        assertTrue(assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(index)).getMessage().contains("Duplicate"));
        Files.writeString(index, "{\"weight_map\": {\"a\": 3}}");
        assertThrows(SafetensorsException.class, () -> ShardedSafetensors.open(index));
    }
}
