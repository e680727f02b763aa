package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Tensor;

import java.util.function.DoubleUnaryOperator;

/**
 * Backward of the elementwise activations (dx = dy * f'(x), f' in double, with PyTorch's conventions at the
 * kinks) and of the embedding lookup (a scatter-add of the output rows into the table rows).
 */
final class ActivationBackward {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double KAPPA = 0.044715;
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private ActivationBackward() {}

    private static Tensor chain(String op, Tensor x, Tensor dy, DoubleUnaryOperator derivative) {
        OpShapes.gradient(op, dy, x.shape());
        float[] xs = ReferenceBackend.f(x), g = ReferenceBackend.f(dy), dx = new float[xs.length];
        for (int i = 0; i < xs.length; i++) dx[i] = (float) (g[i] * derivative.applyAsDouble(xs[i]));
        return Tensor.of(dx, x.shape());
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** silu(x) = x s(x): derivative s (1 + x (1 - s)). */
    static Tensor silu(Tensor x, Tensor dy) {
        return chain("siluBackward", x, dy, v -> {
            double s = sigmoid(v);
            return s * (1 + v * (1 - s));
        });
    }

    /** 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3): 0.5 (1 + t) + 0.5 x (1 - t^2) u', as torch's gelu_backward. */
    static Tensor geluTanh(Tensor x, Tensor dy) {
        return chain("geluTanhBackward", x, dy, v -> {
            double t = Math.tanh(SQRT_2_OVER_PI * (v + KAPPA * v * v * v));
            return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * KAPPA * v * v);
        });
    }

    /** x Phi(x): derivative Phi(x) + x phi(x). */
    static Tensor geluErf(Tensor x, Tensor dy) {
        return chain("geluErfBackward", x, dy,
                v -> 0.5 * (1 + Erf.erf(v / Math.sqrt(2))) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
    }

    /** 1 where x &gt; 0, else 0 (0 at 0, as PyTorch). */
    static Tensor relu(Tensor x, Tensor dy) {
        return chain("reluBackward", x, dy, v -> v > 0 ? 1 : 0);
    }

    /** sigmoid(x), and 1 above the threshold 20 where the forward returns x as is. */
    static Tensor softplus(Tensor x, Tensor dy) {
        return chain("softplusBackward", x, dy, v -> v > 20 ? 1 : sigmoid(v));
    }

    /** dTable[r] = sum of dOut rows whose id is r; ids of shape S, dOut [S..., D], result [rows, D]. */
    static Tensor embedding(Tensor ids, Tensor dOut, int rows) {
        long[] is = ids.toLongArray();
        int d = OpShapes.embeddingBackward(ids, dOut, rows, is);
        float[] g = ReferenceBackend.f(dOut);
        double[] table = new double[Math.multiplyExact(rows, d)];
        for (int r = 0; r < is.length; r++) {
            int to = (int) is[r] * d;
            for (int c = 0; c < d; c++) table[to + c] += g[r * d + c];
        }
        return ReferenceBackend.out(table, rows, d);
    }
}
