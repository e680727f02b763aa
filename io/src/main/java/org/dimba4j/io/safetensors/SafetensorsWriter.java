package org.dimba4j.io.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.io.TensorInfo;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.HostStorage;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes .safetensors files atomically: everything goes to a temp file beside the target, which is renamed over it
 * only when complete, so a reader never sees half a file. Tensors are streamed one at a time (memory stays bounded
 * by the largest tensor, and by nothing for mapped sources whose dtype is kept).
 *
 * <p>Two dtype policies: {@link #write} stores floating-point tensors as F32 (what dimba4j computes in) and keeps
 * integer and bool tensors exact; {@link #writeKeepingDTypes} stores every tensor in its own dtype (bf16/f16 weights
 * pass through unchanged, e.g. for {@code dimba convert}).
 */
public final class SafetensorsWriter {
    private static final int CHUNK = 1 << 20;

    private SafetensorsWriter() {}

    /** Floating-point tensors as F32, integer/bool tensors in their own dtype. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        writeItems(path, items(tensors, false), metadata);
    }

    /** Every tensor in its own dtype. */
    public static void writeKeepingDTypes(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        writeItems(path, items(tensors, true), metadata);
    }

    /**
     * Streams every tensor of {@code source} (in its name order) to {@code path}: each is fetched, written and
     * dropped before the next, so a converter's memory is bounded by one tensor.
     */
    public static void write(Path path, TensorSource source, Map<String, String> metadata, boolean keepDTypes) {
        List<Item> items = new ArrayList<>();
        for (String name : source.names()) {
            TensorInfo info = source.info(name);
            items.add(new Item(name, new TensorInfo(outType(info.dtype(), keepDTypes), info.shape()), () -> source.get(name)));
        }
        writeItems(path, items, metadata);
    }

    private record Item(String name, TensorInfo out, Supplier<Tensor> tensor) {}

    private static List<Item> items(Map<String, Tensor> tensors, boolean keep) {
        List<Item> items = new ArrayList<>();
        tensors.forEach((name, t) -> items.add(new Item(name, new TensorInfo(outType(t.dtype(), keep), t.shape()), () -> t)));
        return items;
    }

    private static DType outType(DType d, boolean keep) {
        return keep || !d.isFloatingPoint() ? d : DType.F32;
    }

    private static void writeItems(Path path, List<Item> items, Map<String, String> metadata) {
        // Data goes in order of decreasing element size, so every tensor starts naturally aligned in a mapping
        // (the header is padded to 8 bytes); the header keeps the caller's order.
        List<Item> dataOrder = new ArrayList<>(items);
        dataOrder.sort(Comparator.comparingInt((Item it) -> -it.out().dtype().byteSize()));
        Map<Item, long[]> spans = new java.util.IdentityHashMap<>();
        long off = 0;
        for (Item it : dataOrder) {
            long bytes = it.out().byteSize();
            spans.put(it, new long[] {off, off + bytes});
            off += bytes;
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode header = om.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        for (Item it : items) {
            if (it.name().equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' is reserved, not a tensor name");
            if (header.has(it.name())) throw new IllegalArgumentException("duplicate tensor name '" + it.name() + "'");
            ObjectNode n = header.putObject(it.name());
            n.put("dtype", it.out().dtype().safetensorsName());
            var shape = n.putArray("shape");
            for (int d : it.out().shape()) shape.add(d);
            long[] span = spans.get(it);
            n.putArray("data_offsets").add(span[0]).add(span[1]);
        }
        byte[] h;
        try {
            h = om.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int pad = (8 - h.length % 8) % 8;
        Path abs = path.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(8 + h.length + pad).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(h.length + pad).put(h);
                for (int i = 0; i < pad; i++) head.put((byte) ' ');
                writeFully(ch, head.flip());
                ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
                for (Item it : dataOrder) writeTensor(ch, it, buf);
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original error is the one worth reporting
                }
            }
            if (e instanceof IOException io) throw new UncheckedIOException("cannot write " + path + ": " + io.getMessage(), io);
            throw (RuntimeException) e;
        }
    }

    private static void writeTensor(FileChannel ch, Item it, ByteBuffer buf) throws IOException {
        Tensor t = it.tensor().get();
        if (!Arrays.equals(t.shape(), it.out().shape())) {
            throw new IllegalStateException("tensor '" + it.name() + "' changed shape while writing: " + t);
        }
        if (!t.isHost()) throw new IllegalArgumentException("tensor '" + it.name() + "' is on a device; copy it to the host first");
        DType out = it.out().dtype();
        long n = t.numel();
        if (t.isHostF32Array()) {
            float[] d = t.floats();
            for (int i = 0; i < n; i++) {
                if (buf.remaining() < 4) flush(ch, buf);
                buf.putFloat(d[i]);
            }
        } else if (t.dtype() == out) {
            // copied through the heap buffer: works for mapped, native and heap segments of any array type
            MemorySegment seg = t.segment().asSlice(0, it.out().byteSize());
            MemorySegment chunk = MemorySegment.ofArray(buf.array());
            flush(ch, buf);
            for (long at = 0; at < seg.byteSize(); at += CHUNK) {
                int len = (int) Math.min(CHUNK, seg.byteSize() - at);
                MemorySegment.copy(seg, at, chunk, 0, len);
                writeFully(ch, ByteBuffer.wrap(buf.array(), 0, len));
            }
        } else if (out == DType.F32) {
            MemorySegment seg = t.segment();
            for (long i = 0; i < n; i++) {
                if (buf.remaining() < 4) flush(ch, buf);
                buf.putFloat(HostStorage.readAsFloat(seg, t.dtype(), i));
            }
        } else {
            throw new IllegalArgumentException("tensor '" + it.name() + "': cannot store " + t.dtype() + " as " + out);
        }
        flush(ch, buf);
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        writeFully(ch, buf);
        buf.clear();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
