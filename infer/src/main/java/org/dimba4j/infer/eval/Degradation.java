package org.dimba4j.infer.eval;

import org.dimba4j.io.image.RgbImage;
import org.dimba4j.train.data.shapes.SceneRandom;

/**
 * A stand-in for a generator's imperfections, to check the detector on pictures less clean than renders: a
 * 3x3 box blur (soft edges, as a VAE decodes them) and then Gaussian pixel noise, seeded.
 */
public record Degradation(boolean blur, double noiseSigma) {
    public static final Degradation NONE = new Degradation(false, 0);
    /** The level the eval report checks the detector at. */
    public static final Degradation BLUR_NOISE = new Degradation(true, 8);

    public RgbImage apply(RgbImage img, long seed) {
        if (!blur && noiseSigma == 0) return img;
        int w = img.width(), h = img.height();
        byte[] out = new byte[3 * w * h];
        SceneRandom rng = new SceneRandom(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double v;
                    if (blur) {
                        double s = 0;
                        int n = 0;
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int qx = Math.clamp(x + dx, 0, w - 1), qy = Math.clamp(y + dy, 0, h - 1);
                                s += img.get(qx, qy, c);
                                n++;
                            }
                        }
                        v = s / n;
                    } else {
                        v = img.get(x, y, c);
                    }
                    if (noiseSigma > 0) v += noiseSigma * gaussian(rng);
                    out[3 * (y * w + x) + c] = (byte) Math.clamp(Math.round(v), 0, 255);
                }
            }
        }
        return new RgbImage(w, h, out);
    }

    private static double gaussian(SceneRandom rng) {
        double u = 1 - rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    public String describe() {
        return this.equals(NONE) ? "clean renders" : (blur ? "3x3 box blur" : "no blur") + " + noise sigma " + noiseSigma;
    }
}
