package org.dimba4j.model.vae;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The AutoencoderKL's tensors by their diffusers key names, shape-checked and handed to the backend once.
 * Remembers which keys were read so that a checkpoint with keys the model never uses (a wrong or mis-converted
 * file) is reported instead of silently ignored. Without a source it only records the keys and shapes the
 * modules ask for (and hands them null), which is how {@link AutoencoderKL#expectedTensors} lists a config's tensors.
 */
final class VaeWeights {
    private final TensorSource source;
    private final Backend backend;
    private final Set<String> used = new HashSet<>();
    private final Map<String, int[]> requested = new LinkedHashMap<>();

    VaeWeights(TensorSource source, Backend backend) {
        this.source = source;
        this.backend = backend;
    }

    /** A recorder: every get returns null and notes the diffusers key and shape. */
    static VaeWeights recorder() {
        return new VaeWeights(null, null);
    }

    /** Keys and shapes asked for so far, in order (the first spelling of each). */
    Map<String, int[]> requested() {
        return requested;
    }

    Backend backend() {
        return backend;
    }

    /** The tensor {@code key} with exactly {@code shape}; the error names the file, key and both shapes. */
    Tensor get(String key, int... shape) {
        return get(new String[] {key}, shape);
    }

    /**
     * The first present of {@code keys} (a current name followed by older spellings). A tensor whose element
     * count matches but whose shape differs only by trailing 1s (a 1x1 conv stored for a linear layer, as old
     * checkpoints do for attention) is reshaped.
     */
    Tensor get(String[] keys, int... shape) {
        requested.put(keys[0], shape.clone());
        if (source == null) return null;
        for (String key : keys) {
            if (!source.contains(key)) continue;
            Tensor t = source.get(key);
            used.add(key);
            if (!Arrays.equals(t.shape(), shape)) {
                if (t.numel() == Shape.numel(shape) && sameUpToTrailingOnes(t.shape(), shape)) {
                    t = t.reshape(shape);
                } else {
                    throw new IllegalArgumentException(source.description() + ": VAE tensor '" + key + "' has shape "
                            + Shape.str(t.shape()) + ", expected " + Shape.str(shape));
                }
            }
            if (!t.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(source.description() + ": VAE tensor '" + key + "' has dtype "
                        + t.dtype() + ", expected a floating-point type");
            }
            return backend.upload(t);
        }
        throw new IllegalArgumentException(source.description() + ": VAE tensor '" + keys[0] + "' " + Shape.str(shape)
                + " is missing" + (keys.length > 1 ? " (also tried " + String.join(", ", Arrays.copyOfRange(keys, 1, keys.length)) + ")" : ""));
    }

    /** Throws naming the keys that no module read. */
    void checkAllUsed() {
        if (source == null) return;
        List<String> unused = new ArrayList<>();
        for (String name : source.names()) if (!used.contains(name)) unused.add(name);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(source.description() + ": " + unused.size() + " tensor(s) are not part of this "
                    + "AutoencoderKL config (wrong config.json or a non-diffusers checkpoint?): "
                    + String.join(", ", unused.subList(0, Math.min(8, unused.size()))) + (unused.size() > 8 ? ", ..." : ""));
        }
    }

    private static boolean sameUpToTrailingOnes(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return false;
        for (int i = n; i < a.length; i++) if (a[i] != 1) return false;
        for (int i = n; i < b.length; i++) if (b[i] != 1) return false;
        return true;
    }
}
