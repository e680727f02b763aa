package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Storage;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recorded ops of one forward, in order, and the reverse walk over them. Everything is keyed by {@link Storage}
 * identity, never by {@link Tensor} object: models reshape tensors outside the backend ({@code Tensor.reshape} is a
 * view over the same storage), and a gradient belongs to the elements, whatever shape an op saw them in.
 */
final class Tape {
    /** One recorded op: which storage it produced (in which shape) and how to send the gradient back. */
    private record Node(String op, Storage out, int[] outShape, Backward backward) {}

    private final Backend inner;
    private final Set<Storage> watched = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Storage> tracked = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Node> nodes = new ArrayList<>();

    Tape(Backend inner) {
        this.inner = inner;
    }

    void watch(Tensor t) {
        watched.add(t.storage());
        tracked.add(t.storage());
    }

    boolean isTracked(Tensor t) {
        return t != null && tracked.contains(t.storage());
    }

    int size() {
        return nodes.size();
    }

    /**
     * Records {@code out = op(inputs)} when an input is tracked; returns {@code out}. An op that hands back one of its
     * inputs' storage (an upload of a resident tensor, a sumTo to the same shape) is the identity on it: nothing to record.
     */
    Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        boolean any = false;
        for (Tensor in : inputs) {
            if (in == null) continue;
            if (in.storage() == out.storage()) return out;
            any |= isTracked(in);
        }
        if (!any) return out;
        tracked.add(out.storage());
        nodes.add(new Node(op, out.storage(), out.shape(), backward));
        return out;
    }

    /**
     * Reverse-mode sweep from {@code loss} (seeded with ones: for a non-scalar loss this is the gradient of its sum).
     * Intermediate gradients are dropped as soon as their op has passed them on; the tape is cleared.
     */
    Gradients backward(Tensor loss) {
        return backward(loss, inner.full(1f, loss.shape()));
    }

    /** Reverse-mode sweep from {@code out} seeded with {@code dOut} (d loss / d out, as many elements as out). */
    Gradients backward(Tensor out, Tensor dOut) {
        if (!isTracked(out)) {
            throw new IllegalArgumentException("backward: " + out + " does not depend on any watched tensor");
        }
        if (dOut.numel() != out.numel()) {
            throw new IllegalArgumentException("backward: the seed gradient " + dOut + " does not match " + out);
        }
        Map<Storage, Tensor> grads = new IdentityHashMap<>();
        grads.put(out.storage(), dOut.reshape(out.shape()));
        GradientSink sink = new GradientSink() {
            @Override
            public boolean wants(Tensor input) {
                return isTracked(input);
            }

            @Override
            public void add(Tensor input, Tensor grad) {
                if (!wants(input)) return;
                if (grad.numel() != input.numel()) {
                    throw new IllegalStateException("gradient " + grad + " does not match its input " + input);
                }
                grads.merge(input.storage(), grad.reshape(input.shape()), (old, g) -> inner.add(old, g.reshape(old.shape())));
            }
        };
        try {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                Tensor g = watched.contains(n.out()) ? grads.get(n.out()) : grads.remove(n.out());
                if (g == null) continue; // the loss does not depend on this op's output
                try {
                    n.backward().apply(g.reshape(n.outShape()), sink);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("backward of " + n.op() + " (output " + Arrays.toString(n.outShape())
                            + ") failed: " + e.getMessage(), e);
                }
            }
        } finally {
            nodes.clear();
            tracked.retainAll(watched);
        }
        grads.keySet().retainAll(watched);
        return new Gradients(grads);
    }
}
