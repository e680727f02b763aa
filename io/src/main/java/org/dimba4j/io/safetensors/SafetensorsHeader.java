package org.dimba4j.io.safetensors;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.dimba4j.io.TensorInfo;
import org.dimba4j.kernels.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated header of a safetensors file: an 8-byte little-endian length N, N bytes of JSON
 * ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}}), then the data
 * section. Offsets are relative to the data section; the spans must tile it exactly (sorted by offset, no gap, no
 * overlap, nothing left over), as the reference Rust implementation requires.
 */
public record SafetensorsHeader(Map<String, Entry> entries, Map<String, String> metadata, long dataStart) {

    /** Largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** One tensor: its dtype, shape and byte span [begin, end) within the data section. */
    public record Entry(String name, DType dtype, int[] shape, long begin, long end) {
        public TensorInfo info() {
            return new TensorInfo(dtype, shape);
        }

        public long byteSize() {
            return end - begin;
        }
    }

    /** Parses and validates the header of {@code file} (the whole file's bytes); {@code source} names it in errors. */
    public static SafetensorsHeader parse(MemorySegment file, String source) {
        long size = file.byteSize();
        if (size < 8) throw bad(source, "file is " + size + " bytes, shorter than the 8-byte header length (truncated?)");
        long n = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 2 || n > MAX_HEADER_BYTES) {
            throw bad(source, "header length " + Long.toUnsignedString(n) + " is out of range (2.." + MAX_HEADER_BYTES + " bytes)");
        }
        if (8 + n > size) {
            throw bad(source, "header length " + n + " runs past the end of the " + size + "-byte file (truncated?)");
        }
        byte[] header = file.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        if (header[0] != '{') throw bad(source, "header does not start with '{'");
        JsonNode root = readJson(header, source);
        if (root == null || !root.isObject()) throw bad(source, "header is not a JSON object");

        long dataSize = size - 8 - n;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                readMetadata(e.getValue(), metadata, source);
            } else {
                entries.put(e.getKey(), readEntry(e.getKey(), e.getValue(), source));
            }
        }
        checkSpans(entries.values(), dataSize, source);
        return new SafetensorsHeader(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata), 8 + n);
    }

    private static JsonNode readJson(byte[] header, String source) {
        try {
            return JSON.readTree(header);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String m = e.getOriginalMessage();
            if (m != null && m.startsWith("Duplicate field")) {
                throw bad(source, "duplicate name in header: " + m.substring("Duplicate field ".length()));
            }
            throw bad(source, "header is not valid JSON: " + m);
        } catch (java.io.IOException | RuntimeException e) {
            throw bad(source, "header is not valid JSON: " + e.getMessage());
        }
    }

    private static void readMetadata(JsonNode node, Map<String, String> out, String source) {
        if (!node.isObject()) throw bad(source, "__metadata__ is not a JSON object");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw bad(source, "__metadata__ value of '" + m.getKey() + "' is " + m.getValue().getNodeType() + ", not a string");
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Entry readEntry(String name, JsonNode t, String source) {
        String what = "tensor '" + name + "'";
        if (!t.isObject()) throw bad(source, what + " is " + t.getNodeType() + ", not an object");
        JsonNode dt = t.get("dtype");
        if (dt == null || !dt.isTextual()) throw bad(source, what + " has no dtype string");
        DType dtype;
        try {
            dtype = DType.fromSafetensorsName(dt.textValue());
        } catch (IllegalArgumentException ex) {
            throw bad(source, what + ": unknown dtype '" + dt.textValue() + "' (known: " + Arrays.toString(DType.values()) + ")");
        }
        JsonNode shapeNode = t.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) throw bad(source, what + " has no shape array");
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            long d = nonNegativeLong(shapeNode.get(i), what + " shape[" + i + "]", source);
            if (d > Integer.MAX_VALUE) throw bad(source, what + " dimension " + d + " exceeds " + Integer.MAX_VALUE);
            shape[i] = (int) d;
        }
        JsonNode offs = t.get("data_offsets");
        if (offs == null || !offs.isArray() || offs.size() != 2) throw bad(source, what + " needs data_offsets [begin, end]");
        long begin = nonNegativeLong(offs.get(0), what + " data_offsets[0]", source);
        long end = nonNegativeLong(offs.get(1), what + " data_offsets[1]", source);
        if (end < begin) throw bad(source, what + " data_offsets [" + begin + ", " + end + "] are reversed (end before begin)");
        long need;
        try {
            need = Math.multiplyExact(org.dimba4j.kernels.Shape.numel(shape), dtype.byteSize());
        } catch (ArithmeticException ex) {
            throw bad(source, what + " shape " + Arrays.toString(shape) + " overflows a 64-bit byte count");
        }
        if (need != end - begin) {
            throw bad(source, what + " " + dtype + " " + Arrays.toString(shape) + " needs " + need
                    + " bytes but its span [" + begin + ", " + end + "] holds " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long nonNegativeLong(JsonNode v, String what, String source) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw bad(source, what + " is " + v + ", not an integer");
        }
        long x = v.longValue();
        if (x < 0) throw bad(source, what + " is negative (" + x + ")");
        return x;
    }

    /** The spans, sorted by offset, must cover [0, dataSize) exactly once. */
    private static void checkSpans(java.util.Collection<Entry> entries, long dataSize, String source) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.end() > dataSize) {
                throw bad(source, "tensor '" + e.name() + "' data_offsets [" + e.begin() + ", " + e.end()
                        + "] run past the " + dataSize + "-byte data section (truncated file?)");
            }
            if (e.begin() < at) {
                throw bad(source, "tensor '" + e.name() + "' span [" + e.begin() + ", " + e.end() + "] overlaps tensor '"
                        + prev.name() + "' [" + prev.begin() + ", " + prev.end() + "]");
            }
            if (e.begin() > at) {
                throw bad(source, "gap of " + (e.begin() - at) + " bytes before tensor '" + e.name() + "' at data offset " + at);
            }
            at = e.end();
            prev = e;
        }
        if (at != dataSize) {
            throw bad(source, (dataSize - at) + " bytes after the last tensor are not described by the header (data section "
                    + dataSize + " bytes, tensors end at " + at + ")");
        }
    }

    private static SafetensorsException bad(String source, String what) {
        return new SafetensorsException(source + ": " + what);
    }
}
