package org.dimba4j.io.image;

/**
 * Pillow's {@code Image.resize(size, BILINEAR)} (what torchvision's Resize does to a PIL image), bit-exact:
 * a separable triangle filter whose support widens with the downscaling factor (antialiasing), coefficients
 * normalised and rounded to 22-bit fixed point, a horizontal pass into an 8-bit intermediate, then a vertical
 * pass (each pass skipped when its size does not change). Follows Pillow's Resample.c.
 */
public final class BilinearResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private BilinearResize() {}

    public static RgbImage resize(RgbImage in, int width, int height) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("resize target " + width + "x" + height + " must be positive");
        RgbImage out = in;
        if (width != in.width()) out = horizontal(out, width);
        if (height != in.height()) out = vertical(out, height);
        return out;
    }

    /** Per output index: the first input index, the tap count, and ksize fixed-point weights. */
    private record Coefficients(int[] start, int[] count, int[] weights, int ksize) {}

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = 1.0 * filterScale; // the triangle filter's support is 1
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize], count = new int[outSize], weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                double t = Math.abs((x + xmin - center + 0.5) * ss);
                k[x] = t < 1.0 ? 1.0 - t : 0.0;
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                // Pillow rounds away from zero when converting to fixed point
                weights[xx * ksize + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(start, count, weights, ksize);
    }

    private static int clip8(long acc) {
        long v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : v > 255 ? 255 : (int) v;
    }

    private static RgbImage horizontal(RgbImage in, int outW) {
        Coefficients co = coefficients(in.width(), outW);
        int h = in.height(), inW = in.width();
        byte[] src = in.rgb(), dst = new byte[3 * outW * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                for (int c = 0; c < 3; c++) {
                    long acc = 1L << (PRECISION_BITS - 1);
                    for (int t = 0; t < co.count[x]; t++) {
                        acc += (long) (src[(y * inW + co.start[x] + t) * 3 + c] & 0xff) * co.weights[x * co.ksize + t];
                    }
                    dst[(y * outW + x) * 3 + c] = (byte) clip8(acc);
                }
            }
        }
        return new RgbImage(outW, h, dst);
    }

    private static RgbImage vertical(RgbImage in, int outH) {
        Coefficients co = coefficients(in.height(), outH);
        int w = in.width();
        byte[] src = in.rgb(), dst = new byte[3 * w * outH];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    long acc = 1L << (PRECISION_BITS - 1);
                    for (int t = 0; t < co.count[y]; t++) {
                        acc += (long) (src[((co.start[y] + t) * w + x) * 3 + c] & 0xff) * co.weights[y * co.ksize + t];
                    }
                    dst[(y * w + x) * 3 + c] = (byte) clip8(acc);
                }
            }
        }
        return new RgbImage(w, outH, dst);
    }
}
