package org.dimba4j.io.torch;

import org.dimba4j.io.TensorInfo;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A PyTorch zip checkpoint ({@code torch.save} since 1.6): {@code <name>/data.pkl} (the object graph, read by the
 * restricted {@link Unpickler}) and {@code <name>/data/<key>} (raw little-endian storages, mapped, never copied
 * unless a view is non-contiguous).
 *
 * <p>Checkpoints often nest their weights ({@code {"state_dict": ..., "ema": ..., "epoch": 7}}). The dicts that hold
 * tensors are listed by {@link #tensorKeys()}; one is chosen by the caller's key (nested keys joined with '/'), or
 * else automatically: the top level when it holds tensors itself, the only top-level key holding tensors, or
 * {@code state_dict} among several. Tensors in dicts nested inside the chosen one are named with '.' joins, like
 * module state dicts. Top-level scalars (epoch, step, ...) are reported as {@link #metadata()}.
 */
public final class TorchCheckpoint implements TensorSource {
    private static final int MAX_DEPTH = 64;

    private final String source;
    private final Arena arena;
    private final Map<String, MemorySegment> storages;
    private final Map<String, Py.TensorRef> tensors;
    private final Map<String, Integer> tensorKeys;
    private final String selectedKey;
    private final Map<String, String> metadata;

    private TorchCheckpoint(String source, Arena arena, Map<String, MemorySegment> storages, Map<String, Py.TensorRef> tensors,
                            Map<String, Integer> tensorKeys, String selectedKey, Map<String, String> metadata) {
        this.source = source;
        this.arena = arena;
        this.storages = storages;
        this.tensors = tensors;
        this.tensorKeys = tensorKeys;
        this.selectedKey = selectedKey;
        this.metadata = metadata;
    }

    /** Opens {@code path}, choosing the tensors automatically (see the class comment). */
    public static TorchCheckpoint open(Path path) {
        return open(path, null);
    }

    /** Opens {@code path}; {@code key} (e.g. "state_dict", "ema", "model/module") picks the tensors, null = automatic. */
    public static TorchCheckpoint open(Path path, String key) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return read(all, path.toString(), key, arena);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new UncheckedIOException("no such checkpoint file: " + path, e);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads checkpoint bytes already in memory (tests, fuzzing); the segment must outlive the result. */
    public static TorchCheckpoint of(MemorySegment bytes, String source, String key) {
        return read(bytes, source, key, null);
    }

    private static TorchCheckpoint read(MemorySegment file, String source, String key, Arena arena) {
        if (file.byteSize() >= 2 && file.get(ValueLayout.JAVA_BYTE, 0) == (byte) 0x80 && file.get(ValueLayout.JAVA_BYTE, 1) <= 5) {
            throw new TorchCheckpointException(source + ": legacy (pre-1.6, non-zip) torch format; re-save it with a current "
                    + "torch.save to read it here");
        }
        Map<String, MemorySegment> entries = StoredZip.read(file, source).entries();
        String prefix = archivePrefix(entries.keySet(), source);
        MemorySegment order = entries.get(prefix + "byteorder");
        if (order != null) {
            String o = new String(order.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).trim();
            if (!o.equals("little")) throw new TorchCheckpointException(source + ": byteorder '" + o + "' is not supported (only little)");
        }
        MemorySegment pkl = entries.get(prefix + "data.pkl");
        if (pkl.byteSize() > Integer.MAX_VALUE - 16) throw new TorchCheckpointException(source + ": data.pkl is too large");
        Object root = Unpickler.load(pkl.toArray(ValueLayout.JAVA_BYTE), source + ": " + prefix + "data.pkl");
        if (!(root instanceof Py.Dict dict)) {
            throw new TorchCheckpointException(source + ": the checkpoint holds " + Unpickler.typeName(root) + ", not a dict of tensors");
        }
        Map<String, Integer> keys = new LinkedHashMap<>();
        findTensorDicts(dict, "", keys, Collections.newSetFromMap(new IdentityHashMap<>()), 0, source);
        String chosen = choose(dict, key, keys, source);
        Py.Dict selected = lookup(dict, chosen, keys, source);
        Map<String, Py.TensorRef> tensors = new LinkedHashMap<>();
        flatten(selected, "", tensors, Collections.newSetFromMap(new IdentityHashMap<>()), 0, source);
        if (tensors.isEmpty()) {
            throw new TorchCheckpointException(source + ": no tensors under key '" + chosen + "'; keys holding tensors: "
                    + keys.keySet().stream().map(k -> k.isEmpty() ? "(top level)" : k).toList());
        }
        Map<String, MemorySegment> storages = new LinkedHashMap<>();
        for (Map.Entry<String, Py.TensorRef> e : tensors.entrySet()) {
            Py.StorageRef s = e.getValue().storage();
            String what = source + ": tensor '" + e.getKey() + "'";
            MemorySegment data = entries.get(prefix + "data/" + s.key());
            if (data == null) throw new TorchCheckpointException(what + ": storage entry " + prefix + "data/" + s.key() + " is missing");
            long need = Math.multiplyHigh(s.numel(), s.dtype().byteSize()) != 0 ? -1 : s.numel() * s.dtype().byteSize();
            if (need < 0 || data.byteSize() < need) {
                throw new TorchCheckpointException(what + ": storage " + s.key() + " holds " + data.byteSize() + " bytes, "
                        + s.numel() + " " + s.dtype() + " elements need " + Long.toUnsignedString(s.numel() * s.dtype().byteSize()));
            }
            StridedView.check(e.getValue(), s.numel(), what);
            storages.put(s.key(), data); // whole entry: tensors sharing a key may claim different sizes, each checked
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        dict.forEach((k, v) -> {
            if (k instanceof String name && (v instanceof String || v instanceof Number || v instanceof Boolean)) metadata.put(name, v.toString());
        });
        return new TorchCheckpoint(source, arena, storages, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(keys),
                chosen, Collections.unmodifiableMap(metadata));
    }

    /** The folder all entries live in ("archive/" or the saved file's stem), identified by its data.pkl. */
    private static String archivePrefix(Set<String> names, String source) {
        List<String> pkls = names.stream().filter(n -> n.endsWith("data.pkl") && n.indexOf('/') == n.length() - 9).toList();
        if (pkls.size() != 1) {
            throw new TorchCheckpointException(source + ": " + (pkls.isEmpty() ? "no <name>/data.pkl entry" : "several data.pkl entries " + pkls)
                    + "; not a torch.save checkpoint");
        }
        return pkls.getFirst().substring(0, pkls.getFirst().length() - "data.pkl".length());
    }

    /** Records every dict (by '/'-joined key path, "" = top) that directly holds tensors, with how many. */
    private static void findTensorDicts(Py.Dict d, String path, Map<String, Integer> out, Set<Object> seen, int depth, String source) {
        if (depth > MAX_DEPTH || !seen.add(d)) return;
        int n = 0;
        for (Map.Entry<Object, Object> e : d.entrySet()) {
            if (e.getValue() instanceof Py.TensorRef) n++;
            else if (e.getValue() instanceof Py.Dict sub) {
                findTensorDicts(sub, path.isEmpty() ? String.valueOf(e.getKey()) : path + "/" + e.getKey(), out, seen, depth + 1, source);
            }
        }
        if (n > 0) out.put(path, n);
    }

    private static String choose(Py.Dict root, String key, Map<String, Integer> keys, String source) {
        if (key != null) return key;
        if (keys.isEmpty()) throw new TorchCheckpointException(source + ": the checkpoint holds no tensors");
        if (keys.containsKey("")) return "";
        List<String> top = root.entrySet().stream()
                .filter(e -> e.getValue() instanceof Py.Dict && keys.keySet().stream().anyMatch(k -> k.equals(String.valueOf(e.getKey()))
                        || k.startsWith(e.getKey() + "/")))
                .map(e -> String.valueOf(e.getKey())).toList();
        if (top.size() == 1) return top.getFirst();
        if (top.contains("state_dict")) return "state_dict";
        throw new TorchCheckpointException(source + ": tensors are under several keys " + top + "; pick one (e.g. --key " + top.getFirst() + ")");
    }

    private static Py.Dict lookup(Py.Dict root, String key, Map<String, Integer> keys, String source) {
        Object at = root;
        if (!key.isEmpty()) {
            for (String part : key.split("/", -1)) {
                at = at instanceof Py.Dict d ? d.get(part) : null;
            }
        }
        if (!(at instanceof Py.Dict d)) {
            throw new TorchCheckpointException(source + ": no dict of tensors under key '" + key + "'; keys holding tensors: "
                    + keys.keySet().stream().map(k -> k.isEmpty() ? "(top level)" : k).toList());
        }
        return d;
    }

    private static void flatten(Py.Dict d, String prefix, Map<String, Py.TensorRef> out, Set<Object> seen, int depth, String source) {
        if (depth > MAX_DEPTH || !seen.add(d)) return;
        for (Map.Entry<Object, Object> e : d.entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue() instanceof Py.TensorRef t) {
                if (out.put(name, t) != null) throw new TorchCheckpointException(source + ": two tensors are named '" + name + "'");
            } else if (e.getValue() instanceof Py.Dict sub) {
                flatten(sub, name + ".", out, seen, depth + 1, source);
            }
        }
    }

    /** Dicts holding tensors: key path ("" = top level, nested keys joined with '/') -> number of tensors in it. */
    public Map<String, Integer> tensorKeys() {
        return tensorKeys;
    }

    /** The key the tensors were taken from ("" = top level). */
    public String selectedKey() {
        return selectedKey;
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    /** The tensor in its saved dtype: a view of the mapped archive, or a dense copy of a non-contiguous view. */
    @Override
    public Tensor get(String name) {
        Py.TensorRef t = ref(name);
        return StridedView.materialise(t, storages.get(t.storage().key()));
    }

    @Override
    public TensorInfo info(String name) {
        Py.TensorRef t = ref(name);
        return new TensorInfo(t.storage().dtype(), t.size());
    }

    /** True when two names view the same storage (tied or sliced weights). */
    public boolean sharesStorage(String a, String b) {
        return ref(a).storage().key().equals(ref(b).storage().key());
    }

    private Py.TensorRef ref(String name) {
        Py.TensorRef t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(source + ": no tensor named '" + name + "'");
        return t;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String description() {
        return source + (selectedKey.isEmpty() ? "" : " [" + selectedKey + "]");
    }

    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) arena.close(); // idempotent, as AutoCloseable advises
    }
}
