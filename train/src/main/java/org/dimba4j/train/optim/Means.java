package org.dimba4j.train.optim;

/**
 * The row and column means of CAME's factored moments over a gradient viewed as [batches, rows, cols], and the
 * factors {@code _approx_sq_grad} builds from them. Sums are in double, in index order.
 */
final class Means {
    private Means() {}

    /** row = beta row + (1 - beta) mean_cols(g^2 + eps); col = beta col + (1 - beta) mean_rows(g^2 + eps). */
    static void updateSquares(float[] g, float eps, int batches, int rows, int cols, float[] row, float[] col,
                              float beta, float oneMinusBeta) {
        double[] rowAcc = new double[batches * rows], colAcc = new double[batches * cols];
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < rows; i++) {
                int base = (b * rows + i) * cols, cb = b * cols;
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    float gk = g[base + j];
                    float sq = gk * gk + eps;
                    sum += sq;
                    colAcc[cb + j] += sq;
                }
                rowAcc[b * rows + i] = sum;
            }
        }
        blend(rowAcc, cols, row, beta, oneMinusBeta);
        blend(colAcc, rows, col, beta, oneMinusBeta);
    }

    /** state = state * beta + (1 - beta) * (sums / count), as {@code mul_(beta).add_(mean, alpha=1-beta)}. */
    static void blend(double[] sums, int count, float[] state, float beta, float oneMinusBeta) {
        for (int i = 0; i < state.length; i++) {
            float mean = (float) (sums[i] / count);
            state[i] = state[i] * beta + oneMinusBeta * mean;
        }
    }

    /** rsqrt(row / mean_rows(row)) per [batch, row]. */
    static float[] rowFactor(float[] row, int batches, int rows) {
        float[] out = new float[row.length];
        for (int b = 0; b < batches; b++) {
            double sum = 0;
            for (int i = 0; i < rows; i++) sum += row[b * rows + i];
            float mean = (float) (sum / rows);
            for (int i = 0; i < rows; i++) out[b * rows + i] = rsqrt(row[b * rows + i] / mean);
        }
        return out;
    }

    /** rsqrt(col) per [batch, col]. */
    static float[] colFactor(float[] col) {
        float[] out = new float[col.length];
        for (int i = 0; i < col.length; i++) out[i] = rsqrt(col[i]);
        return out;
    }

    static float rsqrt(float x) {
        return (float) (1.0 / Math.sqrt(x));
    }
}
