package org.dimba4j.io.safetensors;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-built safetensors byte images for the corruption and fuzz tests. */
final class SafetensorsBytes {
    private SafetensorsBytes() {}

    /** 8-byte length + the JSON exactly as given + the data bytes. */
    static byte[] of(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    static byte[] of(String json, int dataBytes) {
        byte[] d = new byte[dataBytes];
        for (int i = 0; i < d.length; i++) d[i] = (byte) (i * 7 + 1);
        return of(json, d);
    }

    static SafetensorsFile read(byte[] bytes) {
        return SafetensorsFile.of(MemorySegment.ofArray(bytes), "test.safetensors");
    }

    /** Touches every element of every tensor, so lazy views would fail here rather than later. */
    static double readAll(SafetensorsFile f) {
        double sum = 0;
        for (String n : f.names()) {
            var t = f.get(n);
            for (long i = 0; i < t.numel(); i++) sum += t.getFlat(i);
        }
        return sum;
    }
}
