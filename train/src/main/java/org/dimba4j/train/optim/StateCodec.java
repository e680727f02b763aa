package org.dimba4j.train.optim;

import org.dimba4j.kernels.Tensor;

import java.util.List;

/** Reading an {@link OptimizerState} back: parameters are those with a {@code step.<name>} scalar. */
final class StateCodec {
    private StateCodec() {}

    static void checkKind(String optimizer, OptimizerState s) {
        if (!optimizer.equals(s.optimizer())) {
            throw new IllegalArgumentException("cannot restore a " + s.optimizer() + " state into " + optimizer);
        }
    }

    static List<String> params(OptimizerState s) {
        return s.scalars().keySet().stream().filter(k -> k.startsWith("step.")).map(k -> k.substring(5)).sorted().toList();
    }

    static int step(OptimizerState s, String name) {
        double v = s.scalars().get("step." + name);
        if (v != Math.rint(v) || v < 1) throw new IllegalArgumentException("optimizer state: step." + name + " is " + v);
        return (int) v;
    }

    static float[] tensor(OptimizerState s, String key) {
        Tensor t = s.tensors().get(key);
        if (t == null) throw new IllegalArgumentException(s.optimizer() + " state: missing tensor " + key);
        return t.toFloatArray();
    }

    static boolean has(OptimizerState s, String key) {
        return s.tensors().containsKey(key);
    }
}
