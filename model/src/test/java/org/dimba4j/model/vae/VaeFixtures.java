package org.dimba4j.model.vae;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The diffusers fixtures of tools/fixtures/vae/make_fixtures.py and a tolerance check. */
final class VaeFixtures {
    private VaeFixtures() {}

    static Path resource(String name) {
        try {
            return Path.of(VaeFixtures.class.getResource("/fixtures/vae/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource fixtures/vae/" + name, e);
        }
    }

    static SafetensorsFile outputs(String model) {
        return SafetensorsFile.open(resource(model + ".safetensors"));
    }

    /** Largest |actual - expected|; fails on a shape mismatch or a difference above tol. */
    static double assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double max = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (!(d <= max)) {
                max = d;
                at = i;
            }
        }
        double worst = max;
        int idx = at;
        assertTrue(worst <= tol, () -> what + ": max |diff| " + worst + " > " + tol + " at flat index " + idx + " (expected "
                + e[idx] + ", got " + a[idx] + ", shape " + Arrays.toString(expected.shape()) + ")");
        return worst;
    }
}
