package org.dimba4j.io.safetensors;

import org.dimba4j.io.TensorInfo;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * One memory-mapped .safetensors file (any size: {@code java.lang.foreign} mappings are not limited to 2 GiB).
 * Tensors are zero-copy views of the mapping, in the file's dtype; closing the file unmaps them.
 */
public final class SafetensorsFile implements TensorSource {
    private final String source;
    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final SafetensorsHeader header;

    private SafetensorsFile(String source, Path path, Arena arena, MemorySegment file, SafetensorsHeader header) {
        this.source = source;
        this.path = path;
        this.arena = arena;
        this.header = header;
        this.data = file.asSlice(header.dataStart());
    }

    /** Maps and validates {@code path}; bad content throws {@link SafetensorsException} naming the file. */
    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            SafetensorsFile f = new SafetensorsFile(path.toString(), path, arena, all, SafetensorsHeader.parse(all, path.toString()));
            return f;
        } catch (NoSuchFileException e) {
            arena.close();
            throw new UncheckedIOException("no such safetensors file: " + path, e);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Reads safetensors bytes already in memory (tests, fuzzing, embedded resources); the segment must outlive the
     * returned source. {@code source} names it in error messages.
     */
    public static SafetensorsFile of(MemorySegment bytes, String source) {
        return new SafetensorsFile(source, null, null, bytes, SafetensorsHeader.parse(bytes, source));
    }

    public SafetensorsHeader header() {
        return header;
    }

    @Override
    public Set<String> names() {
        return header.entries().keySet();
    }

    @Override
    public Tensor get(String name) {
        SafetensorsHeader.Entry e = entry(name);
        return Tensor.ofSegment(data.asSlice(e.begin(), e.byteSize()), e.dtype(), e.shape());
    }

    @Override
    public TensorInfo info(String name) {
        return entry(name).info();
    }

    /** The raw little-endian bytes of a tensor (a view of the mapping). */
    public MemorySegment bytes(String name) {
        SafetensorsHeader.Entry e = entry(name);
        return data.asSlice(e.begin(), e.byteSize());
    }

    private SafetensorsHeader.Entry entry(String name) {
        SafetensorsHeader.Entry e = header.entries().get(name);
        if (e == null) throw new IllegalArgumentException(source + ": no tensor named '" + name + "'");
        return e;
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public String description() {
        return source;
    }

    /** The file, or null for in-memory bytes. */
    public Path path() {
        return path;
    }

    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) arena.close(); // idempotent, as AutoCloseable advises
    }
}
