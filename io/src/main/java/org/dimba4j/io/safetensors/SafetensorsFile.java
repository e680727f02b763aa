package org.dimba4j.io.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** One memory-mapped .safetensors file; tensors are zero-copy views of the mapping. */
public final class SafetensorsFile implements TensorSource {
    private final Path path;
    private final Arena arena;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private SafetensorsFile(Path path, Arena arena) {
        this.path = path;
        this.arena = arena;
    }

    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            SafetensorsFile f = new SafetensorsFile(path, arena);
            f.parse(all);
            return f;
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private SafetensorsException bad(String what) {
        return new SafetensorsException(path + ": " + what);
    }

    private void parse(MemorySegment all) throws IOException {
        long size = all.byteSize();
        if (size < 8) throw bad("file is " + size + " bytes, shorter than the 8-byte header length");
        long n = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 0 || n > 100_000_000L) throw bad("header length " + n + " is out of range (max 100000000)");
        if (8 + n > size) throw bad("header length " + n + " runs past the end of the " + size + "-byte file");
        byte[] header = all.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(new String(header, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw bad("header is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw bad("header is not a JSON object");
        MemorySegment data = all.asSlice(8 + n);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode t = e.getValue();
            DType dtype;
            try {
                dtype = DType.fromSafetensorsName(t.path("dtype").asText());
            } catch (IllegalArgumentException ex) {
                throw bad("tensor '" + e.getKey() + "': " + ex.getMessage());
            }
            JsonNode shapeNode = t.path("shape"), offs = t.path("data_offsets");
            int[] shape = new int[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                long d = shapeNode.get(i).asLong(-1);
                if (d < 0 || d > Integer.MAX_VALUE) throw bad("tensor '" + e.getKey() + "' has invalid dimension " + shapeNode.get(i));
                shape[i] = (int) d;
            }
            if (offs.size() != 2) throw bad("tensor '" + e.getKey() + "' needs data_offsets [begin, end]");
            long begin = offs.get(0).asLong(-1), end = offs.get(1).asLong(-1);
            if (begin < 0 || end < begin || end > data.byteSize()) {
                throw bad("tensor '" + e.getKey() + "' data_offsets [" + begin + ", " + end + "] outside the " + data.byteSize() + "-byte data section");
            }
            long need = org.dimba4j.kernels.Shape.numel(shape) * dtype.byteSize();
            if (need != end - begin) {
                throw bad("tensor '" + e.getKey() + "' " + dtype + " " + java.util.Arrays.toString(shape) + " needs " + need + " bytes, span is " + (end - begin));
            }
            tensors.put(e.getKey(), Tensor.ofSegment(data.asSlice(begin, end - begin), dtype, shape));
        }
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(path + ": no tensor named '" + name + "'");
        return t;
    }

    @Override
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    @Override
    public String description() {
        return path.toString();
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        arena.close();
    }
}
