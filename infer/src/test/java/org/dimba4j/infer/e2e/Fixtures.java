package org.dimba4j.infer.e2e;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading recorded tensors and comparing outputs with them. */
public final class Fixtures {
    private Fixtures() {}

    /** Every tensor of a safetensors file, copied to the heap (the file is closed on return). */
    public static Map<String, Tensor> read(Path file) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String n : f.names()) {
                Tensor t = f.get(n);
                m.put(n, t.dtype().isFloatingPoint() ? Tensor.of(t.toFloatArray(), t.shape())
                        : Tensor.ofLongs(t.toLongArray(), t.shape()));
            }
        }
        return m;
    }

    public static Map<String, String> metadata(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return Map.copyOf(f.metadata());
        }
    }

    /** Largest |a - b| over all elements. */
    public static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs((double) x[i] - y[i]));
        return m;
    }

    public static double maxAbs(Tensor a) {
        double m = 0;
        for (float v : a.toFloatArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Same shape and max |actual - expected| <= tol; the message names the tensor and the error. */
    public static double assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double d = maxAbsDiff(expected, actual);
        assertTrue(d <= tol, what + ": max |diff| " + d + " > " + tol + " (max |expected| " + maxAbs(expected) + ")");
        return d;
    }
}
