package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Storage;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gradients of one backward sweep, keyed by storage, summed as they arrive in walk order. A slice's gradient is
 * held back instead of being padded with zeros at once: a tensor split into parts (Mamba's in_proj into x and z, x_proj
 * into dt, B and C) gets its parts' gradients back, and they are put together in one concat when the gradient is
 * taken. Padding each part to the whole tensor and adding them cost a zero tensor, a concat and an add of the whole
 * size per part.
 *
 * <p>The sums are those of padding at once, in the same order: held parts are disjoint stretches of one axis, so
 * every element gets at most one of them, and a whole-tensor gradient arriving while parts are held first adds the
 * parts (as they would have been added before it). Overlapping parts (one tensor sliced the same way twice) fall back to
 * padding each and adding them in arrival order. The one difference is the sign of a zero: a -0 in a part stays -0
 * where adding a padding zero made it +0.
 */
final class GradientMap {
    private record Part(int[] shape, int axis, int start, int end, Tensor grad) {}

    private final Backend be;
    private final Map<Storage, Tensor> sums = new IdentityHashMap<>();
    private final Map<Storage, List<Part>> parts = new IdentityHashMap<>();

    GradientMap(Backend be) {
        this.be = be;
    }

    /** Adds {@code grad} (as many elements as {@code input}) to {@code input}'s gradient. */
    void add(Tensor input, Tensor grad) {
        Storage key = input.storage();
        flushParts(key);
        accumulate(key, grad.reshape(input.shape()));
    }

    /** Adds {@code grad} to the stretch start..end-1 along {@code axis} of {@code input}'s gradient. */
    void addSlice(Tensor input, int axis, int start, int end, Tensor grad) {
        parts.computeIfAbsent(input.storage(), k -> new ArrayList<>()).add(new Part(input.shape(), axis, start, end, grad));
    }

    /** Removes and returns the gradient of {@code key}, its held parts added; null when it has none. */
    Tensor take(Storage key) {
        flushParts(key);
        return sums.remove(key);
    }

    /** The gradient of {@code key} so far, its held parts added, kept in the map; null when it has none. */
    Tensor peek(Storage key) {
        flushParts(key);
        return sums.get(key);
    }

    /** Every gradient of the storages in {@code keep}, parts added; the rest are dropped. */
    Map<Storage, Tensor> retain(Set<Storage> keep) {
        for (Storage key : new ArrayList<>(parts.keySet())) flushParts(key);
        sums.keySet().retainAll(keep);
        return sums;
    }

    private void accumulate(Storage key, Tensor grad) {
        sums.merge(key, grad, (old, g) -> be.add(old, g.reshape(old.shape())));
    }

    private void flushParts(Storage key) {
        List<Part> held = parts.remove(key);
        if (held == null) return;
        List<Part> sorted = new ArrayList<>(held);
        sorted.sort(Comparator.comparingInt(Part::start));
        if (disjoint(sorted)) {
            accumulate(key, assemble(sorted));
        } else {
            for (Part p : held) accumulate(key, padded(p)); // arrival order
        }
    }

    /** Whether the parts, sorted by start, are stretches of one axis of one shape that do not overlap. */
    private static boolean disjoint(List<Part> sorted) {
        Part first = sorted.get(0);
        int reached = 0;
        for (Part p : sorted) {
            if (p.axis() != first.axis() || !Arrays.equals(p.shape(), first.shape()) || p.start() < reached) return false;
            reached = p.end();
        }
        return true;
    }

    /** Disjoint parts, sorted by start, in place along their axis, zeros in the gaps: one concat. */
    private Tensor assemble(List<Part> sorted) {
        int[] shape = sorted.get(0).shape();
        int axis = sorted.get(0).axis(), len = shape[axis], at = 0;
        List<Tensor> pieces = new ArrayList<>();
        for (Part p : sorted) {
            if (p.start() > at) pieces.add(be.zeros(withDim(shape, axis, p.start() - at)));
            pieces.add(p.grad().reshape(withDim(shape, axis, p.end() - p.start())));
            at = p.end();
        }
        if (at < len) pieces.add(be.zeros(withDim(shape, axis, len - at)));
        return pieces.size() == 1 ? pieces.get(0) : be.concat(axis, pieces.toArray(Tensor[]::new));
    }

    /** One part padded with zeros to its whole tensor. */
    private Tensor padded(Part p) {
        return assemble(List.of(p));
    }

    private static int[] withDim(int[] s, int axis, int n) {
        int[] r = s.clone();
        r[axis] = n;
        return r;
    }
}
