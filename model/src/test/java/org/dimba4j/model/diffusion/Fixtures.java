package org.dimba4j.model.diffusion;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Loading and comparing the recorded diffusion fixtures. */
final class Fixtures {
    private Fixtures() {}

    static SafetensorsFile open(String name) {
        try {
            return SafetensorsFile.open(Path.of(Fixtures.class.getResource("/fixtures/diffusion/" + name).toURI()));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static double[] doubles(Tensor t) {
        int n = (int) t.numel();
        double[] out = new double[n];
        if (t.segment() != null && t.dtype() == org.dimba4j.kernels.DType.F64) {
            for (int i = 0; i < n; i++) {
                out[i] = t.segment().getAtIndex(java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            }
        } else {
            float[] f = t.toFloatArray();
            for (int i = 0; i < n; i++) out[i] = f[i];
        }
        return out;
    }

    /** Step k of a recorded trajectory [steps, B, C, h, w]. */
    static float[] step(Tensor trajectory, int k) {
        int[] s = trajectory.shape();
        int per = s[1] * s[2] * s[3] * s[4];
        float[] all = trajectory.toFloatArray();
        float[] out = new float[per];
        System.arraycopy(all, k * per, out, 0, per);
        return out;
    }

    static void assertClose(float[] want, float[] got, double atol, double rtol, String what) {
        assertArrayEquals(new int[] {want.length}, new int[] {got.length}, what + " length");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]) - (atol + rtol * Math.abs(want[i]));
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        if (at >= 0) {
            throw new AssertionError(what + ": element " + at + " want " + want[at] + " got " + got[at]
                    + " (atol " + atol + ", rtol " + rtol + ")");
        }
    }
}
