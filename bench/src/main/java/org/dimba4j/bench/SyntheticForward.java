package org.dimba4j.bench;

import org.dimba4j.kernels.Tensor;

import java.util.SplittableRandom;

/** What the forward-timing workers share: seeded Gaussian inputs, and a refusal to time a forward that broke. */
public final class SyntheticForward {
    private SyntheticForward() {
    }

    /** A tensor of standard normal values drawn from {@code rnd} (the inputs need not match any reference). */
    public static Tensor randn(SplittableRandom rnd, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return Tensor.of(v, shape);
    }

    /** A forward whose output is not finite would time a broken network; fail instead. */
    public static void requireFinite(Tensor out) {
        for (float v : out.toFloatArray()) {
            if (!Float.isFinite(v)) throw new IllegalStateException("forward produced a non-finite value: " + v);
        }
    }
}
