package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The golden gradients written by {@code tools/fixtures/grad/attention_norm_activation_grads.py}: a small
 * safetensors file read with a few lines here, since the kernels module does not depend on io (which has the
 * real reader). Holds F32 and I64 tensors only.
 */
final class GradFixtures {
    private static final Pattern ENTRY = Pattern.compile(
            "\"([^\"]+)\"\\s*:\\s*\\{\\s*\"dtype\"\\s*:\\s*\"(\\w+)\"\\s*,\\s*\"shape\"\\s*:\\s*\\[([0-9,\\s]*)]\\s*,"
                    + "\\s*\"data_offsets\"\\s*:\\s*\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]\\s*}");
    private final Map<String, Tensor> tensors = new HashMap<>();

    private GradFixtures(byte[] file) {
        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = Math.toIntExact(buf.getLong(0));
        String header = new String(file, 8, headerLen, StandardCharsets.UTF_8);
        int dataStart = 8 + headerLen;
        Matcher m = ENTRY.matcher(header);
        while (m.find()) {
            String name = m.group(1), dtype = m.group(2);
            int[] shape = m.group(3).isBlank() ? new int[0]
                    : Arrays.stream(m.group(3).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            int from = dataStart + Integer.parseInt(m.group(4)), to = dataStart + Integer.parseInt(m.group(5));
            ByteBuffer data = ByteBuffer.wrap(file, from, to - from).slice().order(ByteOrder.LITTLE_ENDIAN);
            switch (dtype) {
                case "F32" -> {
                    float[] f = new float[(to - from) / 4];
                    data.asFloatBuffer().get(f);
                    tensors.put(name, Tensor.of(f, shape));
                }
                case "I64" -> {
                    long[] l = new long[(to - from) / 8];
                    data.asLongBuffer().get(l);
                    tensors.put(name, Tensor.ofLongs(l, shape));
                }
                default -> throw new IllegalStateException("fixture tensor " + name + ": unexpected dtype " + dtype);
            }
        }
    }

    static GradFixtures load(String resource) {
        try (InputStream in = GradFixtures.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            return new GradFixtures(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalStateException("fixture has no tensor " + name);
        return t;
    }

    boolean has(String name) {
        return tensors.containsKey(name);
    }

    float scalar(String name) {
        return get(name).getFlat(0);
    }

    int count() {
        return tensors.size();
    }
}
