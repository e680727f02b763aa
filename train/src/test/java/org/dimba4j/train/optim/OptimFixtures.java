package org.dimba4j.train.optim;

import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/** Opens the optimizer fixtures (tools/fixtures/optim, tools/fixtures/train) and compares tensors. */
final class OptimFixtures {
    private OptimFixtures() {}

    static Path path(String resource) {
        try {
            return Path.of(OptimFixtures.class.getResource(resource).toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + resource, e);
        }
    }

    static TensorSource open(String resource) {
        return SafetensorsFile.open(path(resource));
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
        return scale == 0 ? worst : worst / scale;
    }
}
