package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.NormGrads;

/**
 * Backward of the row norms and of softmax, over the last dim of C channels, one row at a time in double.
 * <ul>
 *   <li>LayerNorm, y = xhat w + b with xhat = (x - mean) inv, inv = 1 / sqrt(var + eps), g = dy w:
 *       dx = inv (g - mean(g) - xhat mean(g xhat)); dw = sum_rows dy xhat; db = sum_rows dy.</li>
 *   <li>RMSNorm, y = x inv w with inv = 1 / sqrt(mean(x^2) + eps), g = dy w:
 *       dx = inv g - x inv^3 mean(g x); dw = sum_rows dy x inv.</li>
 *   <li>Softmax from its output y: dx = y (dy - sum(dy y)).</li>
 * </ul>
 */
final class NormBackward {
    private NormBackward() {}

    static NormGrads layerNorm(Tensor x, Tensor weight, float eps, Tensor dy) {
        int c = OpShapes.rowNormBackward("layerNormBackward", x, weight, dy), rows = Shape.rows(x.shape());
        float[] xs = ReferenceBackend.f(x), w = weight == null ? null : ReferenceBackend.f(weight), g = ReferenceBackend.f(dy);
        float[] dx = new float[xs.length];
        double[] dw = new double[c], db = new double[c], xhat = new double[c];
        for (int r = 0; r < rows; r++) {
            int base = r * c;
            double mean = 0, var = 0;
            for (int i = 0; i < c; i++) mean += xs[base + i];
            mean /= c;
            for (int i = 0; i < c; i++) var += (xs[base + i] - mean) * (xs[base + i] - mean);
            var /= c;
            double inv = 1.0 / Math.sqrt(var + eps);
            double meanG = 0, meanGx = 0;
            for (int i = 0; i < c; i++) {
                xhat[i] = (xs[base + i] - mean) * inv;
                double gi = (double) g[base + i] * (w == null ? 1 : w[i]);
                meanG += gi;
                meanGx += gi * xhat[i];
                dw[i] += (double) g[base + i] * xhat[i];
                db[i] += g[base + i];
            }
            meanG /= c;
            meanGx /= c;
            for (int i = 0; i < c; i++) {
                double gi = (double) g[base + i] * (w == null ? 1 : w[i]);
                dx[base + i] = (float) (inv * (gi - meanG - xhat[i] * meanGx));
            }
        }
        Tensor dxT = Tensor.of(dx, x.shape());
        if (w == null) return new NormGrads(dxT, null, null);
        return new NormGrads(dxT, ReferenceBackend.out(dw, c), ReferenceBackend.out(db, c));
    }

    static NormGrads rmsNorm(Tensor x, Tensor weight, float eps, Tensor dy) {
        int c = OpShapes.rowNormBackward("rmsNormBackward", x, weight, dy), rows = Shape.rows(x.shape());
        float[] xs = ReferenceBackend.f(x), w = weight == null ? null : ReferenceBackend.f(weight), g = ReferenceBackend.f(dy);
        float[] dx = new float[xs.length];
        double[] dw = new double[c];
        for (int r = 0; r < rows; r++) {
            int base = r * c;
            double ms = 0;
            for (int i = 0; i < c; i++) ms += (double) xs[base + i] * xs[base + i];
            double inv = 1.0 / Math.sqrt(ms / c + eps);
            double meanGx = 0;
            for (int i = 0; i < c; i++) {
                meanGx += (double) g[base + i] * (w == null ? 1 : w[i]) * xs[base + i];
                dw[i] += (double) g[base + i] * xs[base + i] * inv;
            }
            meanGx /= c;
            for (int i = 0; i < c; i++) {
                double gi = (double) g[base + i] * (w == null ? 1 : w[i]);
                dx[base + i] = (float) (inv * gi - xs[base + i] * inv * inv * inv * meanGx);
            }
        }
        return new NormGrads(Tensor.of(dx, x.shape()), w == null ? null : ReferenceBackend.out(dw, c), null);
    }

    static Tensor softmax(Tensor y, Tensor dy) {
        OpShapes.gradient("softmaxBackward", dy, y.shape());
        int c = y.dim(-1), rows = Shape.rows(y.shape());
        float[] ys = ReferenceBackend.f(y), g = ReferenceBackend.f(dy), dx = new float[ys.length];
        for (int r = 0; r < rows; r++) {
            int base = r * c;
            double dot = 0;
            for (int i = 0; i < c; i++) dot += (double) g[base + i] * ys[base + i];
            for (int i = 0; i < c; i++) dx[base + i] = (float) (ys[base + i] * (g[base + i] - dot));
        }
        return Tensor.of(dx, y.shape());
    }
}
