package org.dimba4j.infer.eval;

import org.dimba4j.io.image.RgbImage;
import org.dimba4j.train.data.shapes.ObjectSize;
import org.dimba4j.train.data.shapes.ShapeColour;
import org.dimba4j.train.data.shapes.ShapeKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A deterministic detector for the shapes world, in five steps:
 * <ol>
 *   <li>background: the per-channel median of a two-pixel frame around the picture;</li>
 *   <li>colour: each pixel is read as a blend {@code bg + alpha * (c - bg)} of the background and each of the six
 *       colours c; the colour with the smallest off-line residual wins, and the pixel belongs to it if it is at
 *       least half that colour ({@code alpha >= 0.5}) and near the blend line. A blend model, not nearest colour,
 *       because blurred edges of a red object are pink, which is nearer to orange than to red;</li>
 *   <li>connected components (8-neighbour) per colour; components under {@link #MIN_AREA} of the picture are
 *       noise;</li>
 *   <li>shape from the fill of the bounding box (square about 1, circle pi/4, triangle 1/2), with the widths
 *       of the top and bottom quarter to tell a triangle (narrow top) from a blurred circle;</li>
 *   <li>size from the bounding box's longer side against {@link ObjectSize#THRESHOLD}; position from its centre.</li>
 * </ol>
 */
public final class ObjectDetector {
    /** Components smaller than this fraction of the picture are ignored (a small triangle is about 1.2%). */
    public static final double MIN_AREA = 0.004;
    /** A pixel belongs to a colour when it is at least this much of it... */
    static final double MIN_ALPHA = 0.5;
    /** ... and at most this far (RGB units) from the background-to-colour line. */
    static final double MAX_RESIDUAL = 70;
    /** Bounding-box fill above which a component is a square, below which (or narrow-topped) a triangle. */
    static final double SQUARE_FILL = 0.89, TRIANGLE_FILL = 0.64;
    /** A triangle's top quarter holds about 1/7 of its bottom quarter's pixels; a circle's about as many. */
    static final double TRIANGLE_TAPER = 0.4;
    private static final ShapeColour[] COLOURS = ShapeColour.values();

    private ObjectDetector() {}

    public static List<DetectedObject> detect(RgbImage img) {
        int w = img.width(), h = img.height();
        int[] bg = background(img);
        int[] label = labels(img, bg);
        int[] comp = new int[w * h];
        Arrays.fill(comp, -1);
        int[] stack = new int[w * h];
        List<DetectedObject> out = new ArrayList<>();
        int minArea = (int) Math.ceil(MIN_AREA * w * h);
        for (int start = 0; start < w * h; start++) {
            if (label[start] < 0 || comp[start] >= 0) continue;
            int c = label[start], n = 0, top = 0;
            int x0 = w, y0 = h, x1 = -1, y1 = -1;
            stack[top++] = start;
            comp[start] = start;
            List<Integer> pixels = new ArrayList<>();
            while (top > 0) {
                int p = stack[--top], px = p % w, py = p / w;
                pixels.add(p);
                n++;
                x0 = Math.min(x0, px);
                x1 = Math.max(x1, px);
                y0 = Math.min(y0, py);
                y1 = Math.max(y1, py);
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int qx = px + dx, qy = py + dy;
                        if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
                        int q = qy * w + qx;
                        if (label[q] == c && comp[q] < 0) {
                            comp[q] = start;
                            stack[top++] = q;
                        }
                    }
                }
            }
            if (n < minArea) continue;
            int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
            double fill = n / (double) (bw * bh);
            ShapeKind shape = shape(fill, taper(pixels, w, y0, bh));
            double extent = Math.max(bw, bh) / (double) Math.max(w, h);
            ObjectSize size = extent > ObjectSize.THRESHOLD ? ObjectSize.LARGE : ObjectSize.SMALL;
            out.add(new DetectedObject(COLOURS[c], shape, size, (x0 + x1 + 1) / 2.0 / w, (y0 + y1 + 1) / 2.0 / h, extent, n, fill));
        }
        return out;
    }

    static ShapeKind shape(double fill, double taper) {
        if (fill > SQUARE_FILL) return ShapeKind.SQUARE;
        if (fill < TRIANGLE_FILL || taper < TRIANGLE_TAPER) return ShapeKind.TRIANGLE;
        return ShapeKind.CIRCLE;
    }

    /** Pixels in the top quarter of the box over pixels in the bottom quarter: about 1/3 for a triangle. */
    private static double taper(List<Integer> pixels, int w, int y0, int bh) {
        int quarter = Math.max(1, bh / 4), topN = 0, bottomN = 0;
        for (int p : pixels) {
            int y = p / w - y0;
            if (y < quarter) topN++;
            else if (y >= bh - quarter) bottomN++;
        }
        return bottomN == 0 ? 1 : topN / (double) bottomN;
    }

    /** The per-channel median of the two-pixel frame. */
    static int[] background(RgbImage img) {
        int w = img.width(), h = img.height();
        int[][] hist = new int[3][256];
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (x >= 2 && y >= 2 && x < w - 2 && y < h - 2) continue;
                for (int c = 0; c < 3; c++) hist[c][img.get(x, y, c)]++;
                n++;
            }
        }
        int[] bg = new int[3];
        for (int c = 0; c < 3; c++) {
            int acc = 0, v = 0;
            while (acc + hist[c][v] <= n / 2) acc += hist[c][v++];
            bg[c] = v;
        }
        return bg;
    }

    /** Per pixel: the index of its colour, or -1 for background (the blend model of the class comment). */
    static int[] labels(RgbImage img, int[] bg) {
        int w = img.width(), h = img.height();
        double[][] dir = new double[COLOURS.length][3];
        double[] norm2 = new double[COLOURS.length];
        for (int k = 0; k < COLOURS.length; k++) {
            dir[k] = new double[] {COLOURS[k].r() - bg[0], COLOURS[k].g() - bg[1], COLOURS[k].b() - bg[2]};
            norm2[k] = dir[k][0] * dir[k][0] + dir[k][1] * dir[k][1] + dir[k][2] * dir[k][2];
        }
        int[] label = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double px = img.get(x, y, 0) - bg[0], py = img.get(x, y, 1) - bg[1], pz = img.get(x, y, 2) - bg[2];
                int best = -1;
                double bestRes = Double.MAX_VALUE, bestAlpha = 0;
                for (int k = 0; k < COLOURS.length; k++) {
                    double[] d = dir[k];
                    double alpha = Math.max(0, (px * d[0] + py * d[1] + pz * d[2]) / norm2[k]);
                    double rx = px - alpha * d[0], ry = py - alpha * d[1], rz = pz - alpha * d[2];
                    double res = rx * rx + ry * ry + rz * rz;
                    if (res < bestRes) {
                        bestRes = res;
                        best = k;
                        bestAlpha = alpha;
                    }
                }
                boolean object = bestAlpha >= MIN_ALPHA && bestRes <= MAX_RESIDUAL * MAX_RESIDUAL;
                label[y * w + x] = object ? best : -1;
            }
        }
        return label;
    }
}
