package org.dimba4j.io.torch;

import org.dimba4j.kernels.DType;

import java.util.List;

/**
 * The Python values the restricted unpickler builds. Plain values map to Java ones: None -> null, bool -> Boolean,
 * int -> Long (BigInteger when it does not fit), float -> Double, str -> String, bytes -> byte[], list -> ArrayList,
 * dict and OrderedDict -> {@link Dict}; the rest are these records.
 */
final class Py {
    private Py() {}

    /** A tuple (immutable in Python; only built from the stack). */
    record Tuple(List<Object> items) {}

    /** A set or frozenset, kept as its items (never hashed, so hostile contents cannot recurse). */
    record Set(List<Object> items) {}

    /** A dict or OrderedDict, in insertion order. */
    static final class Dict extends java.util.LinkedHashMap<Object, Object> {}

    /** An allowlisted global, resolved by name; it does nothing until the unpickler applies it. */
    record Global(TorchGlobals.Kind kind, String name) {}

    /** A storage referenced by a persistent id: archive entry {@code data/<key>} of {@code numel} elements. */
    record StorageRef(String key, DType dtype, long numel) {}

    /** A tensor: a strided view of a storage (nothing is read until the checkpoint materialises it). */
    record TensorRef(StorageRef storage, long offset, int[] size, long[] stride) {}
}
