package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Tensor;

/**
 * The fixed 2-D sin-cos position embedding of PixArt ({@code get_2d_sincos_pos_embed}), recomputed for the grid of
 * each forward so one model serves any latent size.
 *
 * <p>Channel layout, as the official code produces it: the first half encodes the column (x) coordinate, the second
 * half the row; each half is [sin(pos * omega_k), cos(pos * omega_k)] with omega_k = 10000^(-k / (C/4)). The grid
 * coordinate of index i along a side of length n is {@code i / (n / base_size) / pe_interpolation}, so every grid
 * spans the coordinates of the base grid the model was trained on (the "PE interpolation" of resolution adaptation).
 * NumPy computes the coordinates in float32 and the sines in float64; so do we.
 */
final class SinCosPosEmbed {
    private SinCosPosEmbed() {}

    /** [h * w, dim] for a grid of h rows and w columns, tokens in raster order. */
    static Tensor compute(int dim, int h, int w, int baseSize, double peInterpolation) {
        int quarter = dim / 4;
        double[] omega = new double[quarter];
        for (int k = 0; k < quarter; k++) omega[k] = 1.0 / Math.pow(10000, k / (double) quarter);
        float[] out = new float[h * w * dim];
        for (int r = 0; r < h; r++) {
            float rowPos = coordinate(r, h, baseSize, peInterpolation);
            for (int c = 0; c < w; c++) {
                float colPos = coordinate(c, w, baseSize, peInterpolation);
                int o = (r * w + c) * dim;
                for (int k = 0; k < quarter; k++) {
                    out[o + k] = (float) Math.sin(colPos * omega[k]);
                    out[o + quarter + k] = (float) Math.cos(colPos * omega[k]);
                    out[o + 2 * quarter + k] = (float) Math.sin(rowPos * omega[k]);
                    out[o + 3 * quarter + k] = (float) Math.cos(rowPos * omega[k]);
                }
            }
        }
        return Tensor.of(out, h * w, dim);
    }

    /** {@code np.arange(n, dtype=float32) / (n / base_size) / pe_interpolation}, in float32 as NumPy does it. */
    static float coordinate(int i, int n, int baseSize, double peInterpolation) {
        return ((float) i / (float) ((double) n / baseSize)) / (float) peInterpolation;
    }
}
