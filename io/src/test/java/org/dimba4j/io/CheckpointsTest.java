package org.dimba4j.io;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.io.safetensors.ShardedSafetensors;
import org.dimba4j.io.torch.TorchCheckpoint;
import org.dimba4j.io.torch.TorchCheckpointException;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointsTest {
    static final Path TORCH = Path.of("src/test/resources/fixtures/torch");
    @TempDir
    Path dir;

    @Test
    void dispatchesOnFormat() throws IOException {
        Path st = dir.resolve("a.safetensors");
        SafetensorsWriter.write(st, Map.of("w", Tensor.of(new float[] {1, 2}, 2)), Map.of());
        try (TensorSource s = Checkpoints.open(st)) {
            assertInstanceOf(SafetensorsFile.class, s);
        }
        try (TensorSource s = Checkpoints.open(TORCH.resolve("nested.pt"), "ema")) {
            assertInstanceOf(TorchCheckpoint.class, s);
            assertEquals("ema", ((TorchCheckpoint) s).selectedKey());
        }
        // a torch zip under an unusual name is still recognised by its content
        Path renamed = dir.resolve("weights.data");
        Files.copy(TORCH.resolve("dtypes.pt"), renamed);
        try (TensorSource s = Checkpoints.open(renamed)) {
            assertInstanceOf(TorchCheckpoint.class, s);
        }
        assertThrows(CheckpointException.class, () -> Checkpoints.open(st, "state_dict"));
        assertThrows(TorchCheckpointException.class, () -> Checkpoints.open(TORCH.resolve("legacy.pt")));
    }

    @Test
    void foldersPreferTheIndex() throws IOException {
        SafetensorsWriter.write(dir.resolve("model-1.safetensors"), Map.of("a", Tensor.of(new float[] {1}, 1)), Map.of());
        SafetensorsWriter.write(dir.resolve("model-2.safetensors"), Map.of("b", Tensor.of(new float[] {2}, 1)), Map.of());
        var e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertTrue(e.getMessage().contains("several *.safetensors files"), e.getMessage());
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"a\":\"model-1.safetensors\",\"b\":\"model-2.safetensors\"}}");
        try (TensorSource s = Checkpoints.open(dir)) {
            assertInstanceOf(ShardedSafetensors.class, s);
            assertArrayEquals(new float[] {2}, s.get("b").toFloatArray());
        }
    }

    @Test
    void folderWithATorchFile() throws IOException {
        Files.copy(TORCH.resolve("nested.pt"), dir.resolve("dimba-l-512.pt"));
        try (TensorSource s = Checkpoints.open(dir)) {
            assertEquals(5, s.names().size());
        }
    }

    @Test
    void officialFormatTinyCheckpointEqualsTheSafetensorsFolder() {
        // the parity helper's tiny model saved by the official code (torch, under 'state_dict') and as safetensors
        Path pt = Path.of("../models/tiny-reference-official/tiny.pt"), st = Path.of("../models/tiny-reference/transformer");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(pt) && Files.isDirectory(st), "tiny reference model not present");
        try (TensorSource a = Checkpoints.open(pt); TensorSource b = Checkpoints.open(st)) {
            assertEquals(b.names().stream().sorted().toList(), a.names().stream().sorted().toList());
            for (String n : b.names()) {
                assertEquals(b.info(n).dtype(), a.info(n).dtype(), n);
                assertArrayEquals(b.get(n).toFloatArray(), a.get(n).toFloatArray(), n);
            }
        }
    }

    @Test
    void emptyFolderSaysWhatItLookedFor() {
        var e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
        assertTrue(e.getMessage().contains("no checkpoint in " + dir), e.getMessage());
        assertTrue(e.getMessage().contains("*.safetensors.index.json, *.safetensors, *.pt, *.pth, *.bin"), e.getMessage());
        assertThrows(CheckpointException.class, () -> Checkpoints.open(dir.resolve("missing.safetensors")));
    }
}
