package org.dimba4j.io.safetensors;

import org.dimba4j.io.TensorInfo;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    private static Path fixture() {
        return Path.of("src/test/resources/fixtures/safetensors/mixed.safetensors");
    }

    /** The values make_fixtures.py stored (arange-based), as doubles. */
    private static double expected(String name, int i) {
        return switch (name) {
            case "f32", "f16", "bf16", "f64" -> i - 7.25;
            case "i64" -> i * 1000003L - 5;
            case "i32" -> i * 7 - 11;
            case "i16" -> i * 3 - 40;
            case "i8" -> i - 15;
            case "u8" -> i * 8;
            case "bool" -> i % 3 == 0 ? 1 : 0;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void readsEveryDtypeWrittenByTheReferencePackage() {
        try (SafetensorsFile f = SafetensorsFile.open(fixture())) {
            assertEquals(Map.of("format", "pt", "note", "dimba4j fixture"), f.metadata());
            for (String n : List.of("f32", "f16", "bf16", "f64", "i64", "i32", "i16", "i8", "u8", "bool")) {
                Tensor t = f.get(n);
                assertArrayEquals(new int[] {2, 3, 5}, t.shape(), n);
                for (int i = 0; i < 30; i++) {
                    double want = expected(n, i);
                    if (n.equals("bf16")) want = (float) want; // i - 7.25 is exact in bf16 for |x| < 32 with 2 fraction bits
                    assertEquals(want, n.startsWith("i") ? t.toLongArray()[i] : t.getFlat(i), 0.0, n + "[" + i + "]");
                }
            }
            assertEquals(DType.BF16, f.get("bf16").dtype());
            assertEquals(3.5f, f.get("scalar").getFlat(0));
            assertEquals(0, f.get("scalar").rank());
            assertArrayEquals(new int[] {0, 4}, f.get("empty").shape());
        }
    }

    @Test
    void tensorsAreZeroCopyViewsOfTheMapping() {
        try (SafetensorsFile f = SafetensorsFile.open(fixture())) {
            MemorySegment a = f.get("f32").segment(), b = f.get("f32").segment();
            assertEquals(a.address(), b.address());
            assertTrue(a.isMapped());
            assertTrue(a.isReadOnly());
        }
    }

    @Test
    void keepingDtypesIsByteExact() throws IOException {
        Path out = dir.resolve("copy.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(fixture())) {
            Map<String, Tensor> all = new LinkedHashMap<>();
            for (String n : f.names()) all.put(n, f.get(n));
            SafetensorsWriter.writeKeepingDTypes(out, all, f.metadata());
            try (SafetensorsFile g = SafetensorsFile.open(out)) {
                assertEquals(f.names(), g.names());
                assertEquals(f.metadata(), g.metadata());
                for (String n : f.names()) {
                    assertEquals(f.info(n).dtype(), g.info(n).dtype(), n);
                    assertArrayEquals(f.bytes(n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                            g.bytes(n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), n);
                    long start = g.header().dataStart() + g.header().entries().get(n).begin();
                    assertEquals(0, start % f.info(n).dtype().byteSize(), n + " is aligned in the file");
                }
            }
        }
    }

    @Test
    void defaultWriteWidensFloatsAndKeepsIntegers() {
        Path out = dir.resolve("f32.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(fixture())) {
            SafetensorsWriter.write(out, f, Map.of(), false);
            try (SafetensorsFile g = SafetensorsFile.open(out)) {
                for (String n : f.names()) {
                    DType src = f.info(n).dtype();
                    assertEquals(src.isFloatingPoint() ? DType.F32 : src, g.info(n).dtype(), n);
                    assertArrayEquals(f.get(n).toFloatArray(), g.get(n).toFloatArray(), n);
                }
                assertArrayEquals(f.get("i64").toLongArray(), g.get("i64").toLongArray());
            }
        }
    }

    @Test
    void writesHostArraysAndHandlesMetadata() {
        Path out = dir.resolve("sub/dir/a.safetensors");
        Tensor x = Tensor.of(new float[] {1, -2, 3.5f, Float.NaN, Float.NEGATIVE_INFINITY, 0}, 2, 3);
        SafetensorsWriter.write(out, Map.of("x", x, "ids", Tensor.ofLongs(new long[] {1L << 40, -3}, 2)), Map.of("k", "v"));
        try (SafetensorsFile g = SafetensorsFile.open(out)) {
            assertArrayEquals(x.floats(), g.get("x").toFloatArray());
            assertArrayEquals(new long[] {1L << 40, -3}, g.get("ids").toLongArray());
            assertEquals(DType.I64, g.get("ids").dtype());
            assertEquals(Map.of("k", "v"), g.metadata());
        }
    }

    @Test
    void writesSegmentsOfAnyKind() {
        // heap segments over non-byte arrays, e.g. bf16 bits in a short[], cannot be viewed as ByteBuffers
        short[] bits = {0x3f80, (short) 0xbf80, 0x4000};
        Tensor bf16 = Tensor.ofSegment(MemorySegment.ofArray(bits), DType.BF16, 3);
        Path out = dir.resolve("bf16.safetensors");
        SafetensorsWriter.writeKeepingDTypes(out, Map.of("w", bf16), Map.of());
        try (SafetensorsFile g = SafetensorsFile.open(out)) {
            assertEquals(DType.BF16, g.info("w").dtype());
            assertArrayEquals(new float[] {1, -1, 2}, g.get("w").toFloatArray());
        }
        SafetensorsWriter.write(out, Map.of("w", bf16), Map.of());
        try (SafetensorsFile g = SafetensorsFile.open(out)) {
            assertEquals(DType.F32, g.info("w").dtype());
            assertArrayEquals(new float[] {1, -1, 2}, g.get("w").toFloatArray());
        }
    }

    @Test
    void atomicWriteLeavesTheOldFileWhenWritingFails() throws IOException {
        Path out = dir.resolve("model.safetensors");
        SafetensorsWriter.write(out, Map.of("a", Tensor.of(new float[] {1, 2}, 2)), Map.of());
        byte[] before = Files.readAllBytes(out);
        TensorSource failing = new TensorSource() {
            public Set<String> names() {
                return Set.of("b");
            }

            public TensorInfo info(String name) {
                return new TensorInfo(DType.F32, new int[] {4});
            }

            public Tensor get(String name) {
                throw new IllegalStateException("disk on fire");
            }

            public String description() {
                return "failing";
            }
        };
        assertThrows(IllegalStateException.class, () -> SafetensorsWriter.write(out, failing, Map.of(), true));
        assertArrayEquals(before, Files.readAllBytes(out));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList(), "no temp file left behind");
        }
    }

    @Test
    void mapsFilesLargerThan2GiB() throws IOException {
        // A sparse file: a U8 tensor of 2^31 + 16 bytes, with marks near its end (no real disk use).
        long n = (1L << 31) + 16;
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[2," + n / 2 + "],\"data_offsets\":[0," + n + "]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            raf.write(h);
            raf.setLength(8 + h.length + n);
            raf.seek(8 + h.length + n - 3);
            raf.write(new byte[] {7, 8, 9});
        }
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            Tensor t = f.get("big");
            assertEquals(n, t.numel());
            assertEquals(9f, t.getFlat(n - 1));
            assertEquals(7f, t.getFlat(n - 3));
            assertEquals(0f, t.getFlat(1L << 31));
        }
    }

    @Test
    void closingUnmaps() {
        SafetensorsFile f = SafetensorsFile.open(fixture());
        Tensor t = f.get("f32");
        f.close();
        assertThrows(IllegalStateException.class, () -> t.getFlat(0));
        assertFalse(f.names().isEmpty());
    }

    @Test
    void inMemoryBytes() {
        try (Arena arena = Arena.ofConfined()) {
            byte[] b = SafetensorsBytes.of("{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[] {1, 0, 0, 0});
            MemorySegment seg = arena.allocate(b.length);
            seg.copyFrom(MemorySegment.ofArray(b));
            assertEquals(1L, SafetensorsFile.of(seg, "mem").get("a").toLongArray()[0]);
        }
    }
}
