package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an all-F32 safetensors test resource. The kernels module cannot use the io module's reader (io depends
 * on kernels), and a fixture of a few dozen small tensors needs only the header's name, shape and offsets.
 */
final class F32Fixture {
    private static final Pattern ENTRY = Pattern.compile(
            "\"([^\"]+)\":\\{\"dtype\":\"(\\w+)\",\"shape\":\\[([0-9,]*)\\],\"data_offsets\":\\[(\\d+),(\\d+)\\]\\}");
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final String resource;

    F32Fixture(String resource) {
        this.resource = resource;
        byte[] all;
        try (InputStream in = F32Fixture.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            all = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = Math.toIntExact(buf.getLong(0));
        String header = new String(all, 8, headerLen, StandardCharsets.UTF_8);
        Matcher m = ENTRY.matcher(header);
        while (m.find()) {
            if (!m.group(2).equals("F32")) throw new IllegalStateException(resource + ": " + m.group(1) + " is " + m.group(2));
            int[] shape = m.group(3).isEmpty() ? new int[0]
                    : Arrays.stream(m.group(3).split(",")).mapToInt(Integer::parseInt).toArray();
            int start = 8 + headerLen + Integer.parseInt(m.group(4)), end = 8 + headerLen + Integer.parseInt(m.group(5));
            float[] v = new float[(end - start) / 4];
            buf.slice(start, end - start).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            tensors.put(m.group(1), Tensor.of(v, shape));
        }
    }

    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(resource + " has no tensor " + name + "; it has " + tensors.keySet());
        return t;
    }
}
