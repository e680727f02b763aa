package org.dimba4j.train;

import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.DimbaConfig;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The fixtures of tools/fixtures/train/dimba_grads.py and the tiny reference transformer they were made with. */
final class TrainFixtures {
    static final Path TINY = Path.of("../models/tiny-reference/transformer");

    private TrainFixtures() {}

    static TensorSource open(String name) {
        try {
            return SafetensorsFile.open(Path.of(TrainFixtures.class.getResource("/fixtures/train/" + name).toURI()));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static DimbaConfig tinyConfig() {
        return DimbaConfig.load(TINY.resolve("config.json"));
    }

    static TensorSource tinyWeights() {
        return SafetensorsFile.open(TINY.resolve("model.safetensors"));
    }

    static int[] ints(Tensor t) {
        long[] l = t.toLongArray();
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) r[i] = Math.toIntExact(l[i]);
        return r;
    }

    /** Largest |a - e| over the elements, divided by max |e| (the tensor's own scale). */
    static double relativeToMax(Tensor expected, Tensor actual) {
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        if (e.length != a.length) fail("sizes differ: " + expected + " vs " + actual);
        double worst = 0, scale = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs((double) a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        assertTrue(scale > 0, "the expected tensor is all zeros: " + expected);
        return worst / scale;
    }

    /**
     * Checks a parameter after one AdamW step (learning rate {@code lr}) against the expected one. AdamW's first step
     * is about lr * sign(g), so where a gradient is float noise around a true zero (the key bias of self- and cross-attention:
     * softmax ignores a shift common to all keys; torch's gradients there are about 1e-9) each side steps by +-lr. Every element is therefore allowed {@code rtol} of
     * the parameter's max plus the step change that the difference between the two gradients can cause.
     *
     * @return the number of elements whose two gradients differ by more than 10% (noise-dominated)
     */
    static int assertUpdatedClose(String name, Tensor expectedP, Tensor actualP, Tensor expectedG, Tensor actualG,
                                  double lr, double rtol) {
        float[] e = expectedP.toFloatArray(), a = actualP.toFloatArray();
        float[] ge = expectedG.toFloatArray(), ga = actualG.toFloatArray();
        double pScale = 0;
        for (float v : e) pScale = Math.max(pScale, Math.abs(v));
        int noisy = 0;
        for (int k = 0; k < e.length; k++) {
            double gradShift = Math.abs(ga[k] - ge[k]) / (Math.abs(ge[k]) + 1e-8);
            double allowed = rtol * pScale + lr * Math.min(2, 2 * gradShift);
            if (gradShift > 0.1) noisy++;
            if (!(Math.abs(a[k] - e[k]) <= allowed)) {
                fail("parameter " + name + "[" + k + "] after the step: " + a[k] + " vs " + e[k] + " (gradients " + ga[k]
                        + " vs " + ge[k] + ", allowed " + allowed + ")");
            }
        }
        return noisy;
    }
}
