package org.dimba4j.io.torch;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every tensor of the torch.save fixtures equals, bit for bit, what the safetensors package stored for it. */
class TorchCheckpointTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/torch");

    static byte[] bytes(Tensor t) {
        return t.segment().asSlice(0, t.numel() * t.dtype().byteSize()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Same names (in order), dtypes, shapes and bytes as the expected safetensors file. */
    static void assertSameTensors(String expectedFile, TorchCheckpoint ckpt) {
        try (SafetensorsFile want = SafetensorsFile.open(DIR.resolve(expectedFile))) {
            assertEquals(want.names().stream().sorted().toList(), ckpt.names().stream().sorted().toList(), expectedFile);
            for (String n : want.names()) {
                Tensor w = want.get(n), g = ckpt.get(n);
                assertEquals(w.dtype(), g.dtype(), n);
                assertArrayEquals(w.shape(), g.shape(), n);
                assertArrayEquals(w.shape(), ckpt.info(n).shape(), n);
                assertArrayEquals(bytes(w), bytes(g), n + " values");
            }
        }
    }

    @Test
    void everyDtype() {
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("dtypes.pt"))) {
            assertSameTensors("dtypes.expected.safetensors", c);
            assertEquals(List.of("f32", "f16", "bf16", "f64", "i64", "i32", "i16", "i8", "u8", "bool", "scalar", "empty"), List.copyOf(c.names()));
            assertEquals(DType.BF16, c.get("bf16").dtype());
            assertEquals(-2.5f, c.get("scalar").getFlat(0));
            assertEquals("", c.selectedKey());
        }
    }

    @Test
    void nonContiguousViewsAreMaterialised() {
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("views.pt"))) {
            assertSameTensors("views.expected.safetensors", c);
            Tensor e = c.get("expanded");
            assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}, e.toFloatArray());
            assertArrayEquals(new long[] {3, 5, 7}, c.get("i64_view").toLongArray());
        }
    }

    @Test
    void plainValuesBesideTheWeights() {
        // dtypes, devices, sets, bytes, None, big ints: allowed like torch.load(weights_only=True), never executed
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("extras.pt"))) {
            assertEquals("model", c.selectedKey());
            assertSameTensors("extras.model.expected.safetensors", c);
            assertEquals("-5", c.metadata().get("neg"));
            assertEquals("3.25", c.metadata().get("pi"));
            assertEquals("1180591620717411303424", c.metadata().get("big"));
        }
    }

    @Test
    void zip64Archives() {
        // what archives over 4 GiB look like: sizes and offsets in zip64 extra fields, zip64 end records
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("zip64.pt"))) {
            assertSameTensors("views.expected.safetensors", c);
        }
    }

    @Test
    void sharedStoragesAreViewsOfOneMapping() {
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("views.pt"))) {
            assertTrue(c.sharesStorage("a", "shared_row"));
            assertTrue(c.sharesStorage("a", "transposed"));
            assertFalse(c.sharesStorage("a", "expanded"));
            MemorySegment a = c.get("a").segment(), row = c.get("shared_row").segment();
            assertTrue(a.isMapped() && row.isMapped(), "contiguous tensors are zero-copy");
            assertEquals(a.address() + 12 * 4, row.address(), "row 2 of a [4,6] f32 tensor");
            assertEquals(0, a.address() % 64, "torch aligns storages to 64 bytes");
            assertFalse(c.get("transposed").segment().isMapped(), "a transpose is copied");
        }
    }

    @Test
    void nestedCheckpointPicksStateDictAndOffersTheOthers() {
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("nested.pt"))) {
            assertEquals("state_dict", c.selectedKey());
            assertEquals(Map.of("state_dict", 5, "ema", 5), c.tensorKeys());
            assertEquals("7", c.metadata().get("epoch"));
            assertEquals("1234", c.metadata().get("step"));
            assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "2.weight"), List.copyOf(c.names()));
            assertSameTensors("nested.state_dict.expected.safetensors", c);
        }
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("nested.pt"), "ema")) {
            assertSameTensors("nested.ema.expected.safetensors", c);
        }
        var e = assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.open(DIR.resolve("nested.pt"), "model"));
        assertTrue(e.getMessage().contains("no dict of tensors under key 'model'") && e.getMessage().contains("[state_dict, ema]"), e.getMessage());
        e = assertThrows(TorchCheckpointException.class, () -> TorchCheckpoint.open(DIR.resolve("nested.pt"), "config"));
        assertTrue(e.getMessage().contains("'config'"), e.getMessage());
    }

    @Test
    void bareStateDictAndDeepNesting() {
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("state_dict.pt"))) {
            assertSameTensors("state_dict.expected.safetensors", c);
        }
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("deep.pt"))) {
            assertEquals("model", c.selectedKey());
            assertEquals(Map.of("model/encoder", 1, "model/decoder", 1), c.tensorKeys());
            assertSameTensors("deep.model.expected.safetensors", c);
        }
        try (TorchCheckpoint c = TorchCheckpoint.open(DIR.resolve("deep.pt"), "model/decoder")) {
            assertEquals(List.of("w"), List.copyOf(c.names()));
            assertEquals(DType.F16, c.get("w").dtype());
        }
    }
}
