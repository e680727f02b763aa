package org.dimba4j.infer.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.io.Shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A shard's {@code results.jsonl} ({@code results-i-of-N.jsonl} with {@code --shard i/N}): one JSON line per
 * finished image, appended (and forced to disk) only after its PNG was renamed into place. Opening it recovers
 * from a crash: a torn last line, a line that does not parse, an entry whose PNG is missing and a repeated file
 * are dropped, and the file is rewritten (aside, then renamed) with only what is left.
 */
public final class BatchManifest {
    private final Path file;
    private final Map<String, ObjectNode> entries;

    private BatchManifest(Path file, Map<String, ObjectNode> entries) {
        this.file = file;
        this.entries = entries;
    }

    public static String fileName(Shard shard) {
        return shard.isAll() ? "results.jsonl" : "results-" + shard.index() + "-of-" + shard.count() + ".jsonl";
    }

    /** Reads (and repairs) the manifest of {@code shard} in {@code dir}; none yet is an empty one. */
    public static BatchManifest open(Path dir, Shard shard) {
        Path file = dir.resolve(fileName(shard));
        Map<String, ObjectNode> kept = new LinkedHashMap<>();
        if (!Files.exists(file)) return new BatchManifest(file, kept);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        boolean dropped = false;
        int end = text.lastIndexOf('\n') + 1; // past it: a line torn by a crash in the middle of an append
        if (end < text.length()) dropped = true;
        for (String line : text.substring(0, end).split("\n")) {
            if (line.isBlank()) continue;
            ObjectNode e = parse(line);
            String name = e == null ? null : e.path("file").asText(null);
            if (name == null || !Files.isRegularFile(dir.resolve(name)) || kept.containsKey(name)) {
                dropped = true;
                continue;
            }
            kept.put(name, e);
        }
        BatchManifest m = new BatchManifest(file, kept);
        if (dropped) m.rewrite();
        return m;
    }

    private static ObjectNode parse(String line) {
        try {
            JsonNode n = PromptsFile.JSON.readTree(line);
            return n instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The entry for a PNG file name, or null. */
    public ObjectNode entry(String pngName) {
        return entries.get(pngName);
    }

    public int size() {
        return entries.size();
    }

    public Path file() {
        return file;
    }

    /** Appends one finished image's line and forces it to disk. */
    public synchronized void append(ObjectNode entry) {
        String name = entry.path("file").asText();
        if (entries.containsKey(name)) throw new IllegalStateException(file + " already lists " + name);
        byte[] line = (entry.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
        entries.put(name, entry);
    }

    private void rewrite() {
        StringBuilder sb = new StringBuilder();
        for (ObjectNode e : entries.values()) sb.append(e).append('\n');
        Path aside = file.resolveSibling("." + file.getFileName() + ".partial");
        try {
            Files.writeString(aside, sb, StandardCharsets.UTF_8);
            Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file + ": " + e.getMessage(), e);
        }
    }
}
