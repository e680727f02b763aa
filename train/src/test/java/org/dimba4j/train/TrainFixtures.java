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
}
