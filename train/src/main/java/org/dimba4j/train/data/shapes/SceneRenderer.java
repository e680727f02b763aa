package org.dimba4j.train.data.shapes;

import org.dimba4j.io.image.RgbImage;

/**
 * Draws a scene into an S x S RGB picture: the background, then each object in flat colour, a pixel belonging to
 * an object when its centre lies inside the shape. No anti-aliasing: every pixel is the background or one of the
 * six colours, exactly, which is what makes the detector's ground truth exact.
 */
public final class SceneRenderer {
    /** Smallest picture side: below it small triangles are too few pixels to keep their shape. */
    public static final int MIN_SIZE = 64;
    private static final double SQRT3_2 = Math.sqrt(3) / 2;

    private SceneRenderer() {}

    public static RgbImage render(Scene scene, int size) {
        if (size < MIN_SIZE) throw new IllegalArgumentException("image size must be at least " + MIN_SIZE + ", got " + size);
        byte[] rgb = new byte[3 * size * size];
        int[] bg = scene.background();
        for (int i = 0; i < size * size; i++) {
            rgb[3 * i] = (byte) bg[0];
            rgb[3 * i + 1] = (byte) bg[1];
            rgb[3 * i + 2] = (byte) bg[2];
        }
        for (PlacedObject o : scene.objects()) {
            double h = o.halfExtent();
            int x0 = Math.max(0, (int) Math.floor((o.cx() - h) * size)), x1 = Math.min(size - 1, (int) Math.ceil((o.cx() + h) * size));
            int y0 = Math.max(0, (int) Math.floor((o.cy() - h) * size)), y1 = Math.min(size - 1, (int) Math.ceil((o.cy() + h) * size));
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    if (!inside(o, (x + 0.5) / size, (y + 0.5) / size)) continue;
                    int i = 3 * (y * size + x);
                    rgb[i] = (byte) o.colour().r();
                    rgb[i + 1] = (byte) o.colour().g();
                    rgb[i + 2] = (byte) o.colour().b();
                }
            }
        }
        return new RgbImage(size, size, rgb);
    }

    /**
     * Whether the point (u, v) lies in the object. Circle: diameter = extent. Square: side = extent. Triangle:
     * equilateral, pointing up, base = extent, height = extent * sqrt(3)/2, its bounding box centred on (cx, cy).
     */
    static boolean inside(PlacedObject o, double u, double v) {
        double dx = u - o.cx(), dy = v - o.cy(), r = o.halfExtent();
        return switch (o.shape()) {
            case CIRCLE -> dx * dx + dy * dy <= r * r;
            case SQUARE -> Math.abs(dx) <= r && Math.abs(dy) <= r;
            case TRIANGLE -> {
                double height = o.extent() * SQRT3_2, top = -height / 2;
                yield dy >= top && dy <= height / 2 && Math.abs(dx) <= r * (dy - top) / height;
            }
        };
    }
}
