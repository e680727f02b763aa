package org.dimba4j.kernels;

/** Tolerances shared by the parity tests of every backend. */
public final class Tolerances {
    private Tolerances() {}

    /**
     * An absolute tolerance of {@code rel} times the RMS of the expected values (at least 1e-3): long f32 dot
     * products summed in another order err relative to the size of the whole sum, not of each output.
     */
    public static double rmsAtol(Tensor expected, double rel) {
        float[] e = expected.toFloatArray();
        double ss = 0;
        for (float v : e) ss += (double) v * v;
        double rms = e.length == 0 ? 1 : Math.sqrt(ss / e.length);
        return rel * Math.max(rms, 1e-3);
    }
}
