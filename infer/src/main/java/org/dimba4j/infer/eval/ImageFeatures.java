package org.dimba4j.infer.eval;

import org.dimba4j.io.image.RgbImage;

/**
 * A fixed, training-free feature vector for the shapes world (71 numbers), the "small network" of the distribution
 * score: the fraction of pixels the detector's colour labels give to the background and to each of the six
 * colours (7), the mean RGB of each cell of a 4x4 grid in [0, 1] (48), and the fraction of object pixels in each
 * cell (16). It sees colour, layout and coverage; it does not see shape beyond coverage, which the detector
 * metrics measure instead.
 */
public final class ImageFeatures {
    public static final int GRID = 4, DIM = 7 + 3 * GRID * GRID + GRID * GRID;

    private ImageFeatures() {}

    public static double[] of(RgbImage img) {
        int w = img.width(), h = img.height();
        int[] label = ObjectDetector.labels(img, ObjectDetector.background(img));
        double[] f = new double[DIM];
        double[] cellPixels = new double[GRID * GRID];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int l = label[y * w + x];
                f[l + 1] += 1;
                int cell = (y * GRID / h) * GRID + x * GRID / w;
                cellPixels[cell]++;
                for (int c = 0; c < 3; c++) f[7 + 3 * cell + c] += img.get(x, y, c) / 255.0;
                if (l >= 0) f[7 + 3 * GRID * GRID + cell] += 1;
            }
        }
        for (int i = 0; i < 7; i++) f[i] /= (double) w * h;
        for (int cell = 0; cell < GRID * GRID; cell++) {
            for (int c = 0; c < 3; c++) f[7 + 3 * cell + c] /= cellPixels[cell];
            f[7 + 3 * GRID * GRID + cell] /= cellPixels[cell];
        }
        return f;
    }
}
