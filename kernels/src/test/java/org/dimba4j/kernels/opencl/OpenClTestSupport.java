package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.util.Optional;
import java.util.Random;

/**
 * One OpenCL backend shared by the test classes of a JVM (the kernel is compiled once per backend: seconds on PoCL).
 * Without an OpenCL device the tests are skipped, unless OpenCL is required (-Ddimba.requireOpencl=true or
 * DIMBA_REQUIRE_OPENCL=1, as CI sets), in which case they fail.
 */
final class OpenClTestSupport {
    private static OpenClBackend shared;

    private OpenClTestSupport() {}

    static boolean required() {
        return Boolean.getBoolean("dimba.requireOpencl") || "1".equals(System.getenv("DIMBA_REQUIRE_OPENCL"));
    }

    static synchronized OpenClBackend backend() {
        if (shared == null) {
            Optional<OpenClDevices.Info> dev = OpenClDevices.best();
            if (dev.isEmpty()) {
                String why = "no OpenCL platform/device found (install pocl-opencl-icd for a CPU device)";
                if (required()) Assertions.fail("OpenCL is required (dimba.requireOpencl / DIMBA_REQUIRE_OPENCL) but " + why);
                Assumptions.abort(why);
            }
            shared = OpenClBackend.create(dev.get(), 256);
        }
        return shared;
    }

    static Tensor rand(Random r, int... shape) {
        int n = Math.toIntExact(org.dimba4j.kernels.Shape.numel(shape));
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float) r.nextGaussian();
        return Tensor.of(d, shape);
    }

    /** |actual - expected| &lt;= atol + rtol * |expected| elementwise, naming the first bad index. */
    static void assertClose(String what, Tensor expected, Tensor actual, double atol, double rtol) {
        Assertions.assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(e[i] - a[i]);
            double tol = atol + rtol * Math.abs(e[i]);
            if (!(err <= tol)) {
                Assertions.fail(what + ": element " + i + " expected " + e[i] + " got " + a[i] + " (|err| " + err + " > " + tol + ")");
            }
            worst = Math.max(worst, err);
        }
    }
}
