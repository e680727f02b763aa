package org.dimba4j.infer.eval;

import java.util.List;

/**
 * The Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017, the formula behind
 * FID): |mu1 - mu2|^2 + tr(C1 + C2 - 2 (C1^1/2 C2 C1^1/2)^1/2). Here on {@link ImageFeatures}, not on Inception
 * activations: figures are comparable between runs of this project only, never with published FID.
 */
public final class FrechetDistance {
    private FrechetDistance() {}

    /** The distance between the Gaussians (mu1, c1) and (mu2, c2). */
    public static double between(double[] mu1, double[][] c1, double[] mu2, double[][] c2) {
        int n = mu1.length;
        if (mu2.length != n || c1.length != n || c2.length != n) {
            throw new IllegalArgumentException("feature dimensions differ: " + n + " vs " + mu2.length);
        }
        double mean = 0, trace = 0;
        for (int i = 0; i < n; i++) {
            mean += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]);
            trace += c1[i][i] + c2[i][i];
        }
        double[][] s = SymmetricEigen.of(c1).sqrtPsd();
        double[][] m = multiply(multiply(s, c2), s);
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) m[i][j] = m[j][i] = (m[i][j] + m[j][i]) / 2;
        double cross = 0;
        for (double v : SymmetricEigen.of(m).values) cross += Math.sqrt(Math.max(0, v));
        return Math.max(0, mean + trace - 2 * cross);
    }

    /** The distance between two sets of feature vectors (each at least two vectors). */
    public static double between(List<double[]> a, List<double[]> b) {
        return between(mean(a), covariance(a), mean(b), covariance(b));
    }

    static double[] mean(List<double[]> xs) {
        if (xs.size() < 2) throw new IllegalArgumentException("a Fréchet distance needs at least 2 images per set, got " + xs.size());
        int n = xs.get(0).length;
        double[] mu = new double[n];
        for (double[] x : xs) for (int i = 0; i < n; i++) mu[i] += x[i];
        for (int i = 0; i < n; i++) mu[i] /= xs.size();
        return mu;
    }

    /** The unbiased sample covariance (divides by N - 1, as numpy.cov). */
    static double[][] covariance(List<double[]> xs) {
        double[] mu = mean(xs);
        int n = mu.length;
        double[][] c = new double[n][n];
        for (double[] x : xs) {
            for (int i = 0; i < n; i++) {
                double di = x[i] - mu[i];
                for (int j = i; j < n; j++) c[i][j] += di * (x[j] - mu[j]);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) c[j][i] = c[i][j] /= xs.size() - 1;
        }
        return c;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double aik = a[i][k];
                if (aik == 0) continue;
                for (int j = 0; j < n; j++) out[i][j] += aik * b[k][j];
            }
        }
        return out;
    }
}
