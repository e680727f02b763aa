package org.dimba4j.io.safetensors;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.dimba4j.io.safetensors.SafetensorsBytes.of;
import static org.dimba4j.io.safetensors.SafetensorsBytes.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad file gets a SafetensorsException whose message names the file and the problem. */
class SafetensorsCorruptionTest {

    private static void rejects(byte[] bytes, String... expectedInMessage) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> read(bytes));
        assertTrue(e.getMessage().startsWith("test.safetensors: "), e.getMessage());
        for (String s : expectedInMessage) assertTrue(e.getMessage().contains(s), "'" + s + "' not in: " + e.getMessage());
    }

    private static final String A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    @Test
    void validBaseline() {
        try (SafetensorsFile f = read(of("{" + A + "}", 8))) {
            assertEquals(1, f.names().size());
        }
    }

    @Test
    void shorterThanLengthField() {
        rejects(new byte[5], "shorter than the 8-byte header length");
        rejects(new byte[0], "0 bytes");
    }

    @Test
    void headerLengthBeyondFile() {
        byte[] b = of("{" + A + "}", 8);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length);
        rejects(b, "runs past the end");
    }

    @Test
    void headerLengthOver100MB() {
        byte[] b = of("{" + A + "}", 8);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 100_000_001L);
        rejects(b, "out of range");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        rejects(b, "out of range");
    }

    @Test
    void invalidJson() {
        rejects(of("{\"a\":{\"dtype\":\"F32\",", 0), "not valid JSON");
        rejects(of("{\"a\":1} trailing", 0), "not valid JSON");
        rejects(of("[1,2]   ", 0), "does not start with '{'");
        byte[] badUtf8 = of("{\"a?\":1}", 0);
        badUtf8[8 + 3] = (byte) 0xff; // not UTF-8
        rejects(badUtf8, "not valid JSON");
    }

    @Test
    void nonObjectEntries() {
        rejects(of("{\"a\":[1,2]}", 0), "tensor 'a' is ARRAY, not an object");
        rejects(of("{\"a\":\"x\"}", 0), "not an object");
        rejects(of("{\"__metadata__\":[1]}", 0), "__metadata__ is not a JSON object");
        rejects(of("{\"__metadata__\":{\"k\":1}}", 0), "not a string");
    }

    @Test
    void missingOrMistypedFields() {
        rejects(of("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "no dtype");
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8), "no shape");
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "data_offsets");
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8), "data_offsets");
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8), "not an integer");
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", 8), "not an integer");
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999999]}}", 8), "not an integer");
    }

    @Test
    void unknownDtype() {
        rejects(of("{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2), "unknown dtype 'F8_E4M3'");
        rejects(of("{\"a\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "unknown dtype");
    }

    @Test
    void shapeTimesDtypeNotSpan() {
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes", "holds 8");
        rejects(of("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,4]}}", 4), "needs 8 bytes");
        rejects(of("{\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", 8), "overflows");
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,8]}}", 8), "exceeds");
    }

    @Test
    void negativeDims() {
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "shape[0] is negative");
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", 8), "negative");
    }

    @Test
    void offsetsOutOfRangeOrTruncated() {
        rejects(of("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 8), "run past the 8-byte data section");
        byte[] full = of("{" + A + "}", 8);
        rejects(Arrays.copyOf(full, full.length - 1), "run past", "truncated");
    }

    @Test
    void reversedOverlappingAndGappedSpans() {
        rejects(of("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8), "reversed");
        rejects(of("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlaps tensor 'a'");
        rejects(of("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "overlaps");
        rejects(of("{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", 16), "gap of 4 bytes before tensor 'b'");
        rejects(of("{" + A + "}", 12), "4 bytes after the last tensor");
    }

    @Test
    void spansMayBeListedInAnyOrder() {
        // the reference writer sorts header keys by name while the data is ordered by alignment
        String json = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}," + A + "}";
        try (SafetensorsFile f = read(of(json, 12))) {
            assertEquals(Arrays.asList("b", "a"), f.names().stream().toList());
            assertEquals(4, f.get("b").segment().byteSize());
        }
    }

    @Test
    void duplicateNames() {
        rejects(of("{" + A + "," + A + "}", 8), "duplicate name", "a");
        rejects(of("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}," + A + "}", 8), "duplicate name");
    }

    @Test
    void emptyHeaderIsValid() {
        try (SafetensorsFile f = read(of("{}", 0))) {
            assertTrue(f.names().isEmpty());
        }
    }

    @Test
    void errorsFromDiskNameThePath(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path p = dir.resolve("broken.safetensors");
        Files.write(p, of("{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(p));
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("unknown dtype 'Q4'"), e.getMessage());
    }
}
