package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Storage;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The recorded ops of one forward, in order, and the reverse walk over them. Everything is keyed by {@link Storage}
 * identity, never by {@link Tensor} object: models reshape tensors outside the backend ({@code Tensor.reshape} is a
 * view over the same storage), and a gradient belongs to the elements, whatever shape an op saw them in.
 */
final class Tape {
    /** What the tape holds, in forward order. */
    private sealed interface Entry permits Node, Checkpoint {}

    /** One recorded op: which storage it produced (in which shape), from what, and how to send the gradient back. */
    private record Node(String op, Storage out, int[] outShape, Backward backward, Tensor[] inputs) implements Entry {}

    /**
     * A block run without recording (gradient checkpointing): only its inputs and outputs are held; the backward
     * replays it with recording and walks the replayed ops at once. {@code outs[j]} is null where output j was
     * absent or one of the inputs.
     */
    private record Checkpoint(String op, Storage[] outs, Supplier<Tensor[]> replay, Tensor[] inputs) implements Entry {}

    private final Backend inner;
    private final Set<Storage> watched = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Storage> tracked = Collections.newSetFromMap(new IdentityHashMap<>());
    private List<Entry> nodes = new ArrayList<>();
    /** Above 0 while a checkpointed block runs its forward: ops are computed, not recorded. */
    private int suspended;

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
        if (!any || suspended > 0) return out;
        tracked.add(out.storage());
        nodes.add(new Node(op, out.storage(), out.shape(), backward, inputs.clone()));
        return out;
    }

    /**
     * Runs {@code block} without recording and records it as one checkpoint: in backward it is run again
     * ({@code block.get()} then records) and its ops' backwards run right there, with the same gradient map, so
     * every gradient is summed in the same order as without checkpointing: the same bits.
     */
    Tensor[] checkpoint(String op, Supplier<Tensor[]> block, Tensor... inputs) {
        Tensor[] outs;
        suspended++;
        try {
            outs = block.get();
        } finally {
            suspended--;
        }
        boolean any = !watched.isEmpty();
        for (Tensor in : inputs) any |= isTracked(in);
        if (!any || suspended > 0) return outs;
        Storage[] keys = new Storage[outs.length];
        for (int j = 0; j < outs.length; j++) {
            if (outs[j] == null || isInput(outs[j], inputs)) continue;
            keys[j] = outs[j].storage();
            tracked.add(keys[j]);
        }
        nodes.add(new Checkpoint(op, keys, block, inputs.clone()));
        return outs;
    }

    private static boolean isInput(Tensor t, Tensor[] inputs) {
        for (Tensor in : inputs) if (in != null && in.storage() == t.storage()) return true;
        return false;
    }

    /**
     * Bytes of the distinct tensors the recorded ops keep alive (their outputs and inputs), not counting the watched
     * ones (parameters, held anyway): the activation memory the backward needs.
     */
    long heldBytes() {
        Set<Storage> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(watched);
        long bytes = 0;
        for (Entry e : nodes) {
            switch (e) {
                case Node n -> {
                    if (seen.add(n.out())) bytes += n.out().byteSize();
                    bytes += held(n.inputs(), seen);
                }
                case Checkpoint c -> {
                    for (Storage o : c.outs()) if (o != null && seen.add(o)) bytes += o.byteSize();
                    bytes += held(c.inputs(), seen);
                }
            }
        }
        return bytes;
    }

    private static long held(Tensor[] inputs, Set<Storage> seen) {
        long bytes = 0;
        for (Tensor t : inputs) if (t != null && seen.add(t.storage())) bytes += t.storage().byteSize();
        return bytes;
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
        GradientMap grads = new GradientMap(inner);
        grads.add(out, dOut);
        GradientSink sink = new GradientSink() {
            @Override
            public boolean wants(Tensor input) {
                return isTracked(input);
            }

            @Override
            public void add(Tensor input, Tensor grad) {
                if (!wants(input)) return;
                check(input, grad.numel());
                grads.add(input, grad);
            }

            @Override
            public void addSlice(Tensor input, int axis, int start, int end, Tensor grad) {
                if (!wants(input)) return;
                check(input, grad.numel() / (end - start) * input.dim(axis));
                grads.addSlice(input, axis, start, end, grad);
            }

            private static void check(Tensor input, long elements) {
                if (elements != input.numel()) {
                    throw new IllegalStateException("gradient of " + elements + " elements does not match its input " + input);
                }
            }
        };
        try {
            walk(nodes, grads, sink);
        } finally {
            nodes.clear();
            tracked.retainAll(watched);
        }
        return new Gradients(grads.retain(watched));
    }

    /** The backwards of {@code entries}, last to first. */
    private void walk(List<Entry> entries, GradientMap grads, GradientSink sink) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            switch (entries.get(i)) {
                case Node n -> {
                    Tensor g = watched.contains(n.out()) ? grads.peek(n.out()) : grads.take(n.out());
                    if (g == null) continue; // the loss does not depend on this op's output
                    try {
                        n.backward().apply(g.reshape(n.outShape()), sink);
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("backward of " + n.op() + " (output " + Arrays.toString(n.outShape())
                                + ") failed: " + e.getMessage(), e);
                    }
                }
                case Checkpoint c -> replay(c, grads, sink);
            }
        }
    }

    /** Runs a checkpointed block again with recording, hands its outputs' gradients to the replayed outputs, walks it. */
    private void replay(Checkpoint c, GradientMap grads, GradientSink sink) {
        Tensor[] dys = new Tensor[c.outs().length];
        boolean any = false;
        for (int j = 0; j < dys.length; j++) {
            if (c.outs()[j] == null) continue;
            dys[j] = grads.take(c.outs()[j]);
            any |= dys[j] != null;
        }
        if (!any) return;
        List<Entry> outer = nodes, segment = new ArrayList<>();
        Tensor[] re;
        nodes = segment;
        try {
            re = c.replay().get();
        } finally {
            nodes = outer;
        }
        if (re.length != dys.length) {
            throw new IllegalStateException("checkpoint " + c.op() + ": the replay gave " + re.length + " outputs, the forward "
                    + dys.length);
        }
        for (int j = 0; j < dys.length; j++) {
            if (dys[j] != null) sink.add(re[j], dys[j]);
        }
        walk(segment, grads, sink);
    }
}
