package org.dimba4j.io.image;

import java.awt.image.BufferedImage;

/**
 * An 8-bit RGB picture, pixels interleaved row by row ({@code rgb[(y * width + x) * 3 + c]}), as PIL's "RGB"
 * mode and numpy's [H, W, 3] uint8 arrays hold them.
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (width < 1 || height < 1) throw new IllegalArgumentException("image size " + width + "x" + height + " must be positive");
        if (rgb.length != 3L * width * height) {
            throw new IllegalArgumentException("RGB buffer of " + rgb.length + " bytes does not hold " + width + "x" + height + "x3");
        }
    }

    public static RgbImage blank(int width, int height) {
        return new RgbImage(width, height, new byte[Math.multiplyExact(3 * width, height)]);
    }

    /** Channel {@code c} of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /**
     * Any BufferedImage as RGB: alpha is dropped without compositing (PIL's convert("RGB")), grey is replicated,
     * 16-bit samples are scaled by the image's colour model.
     */
    public static RgbImage of(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] out = new byte[3 * w * h];
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (byte) (argb[i] >> 16);
            out[3 * i + 1] = (byte) (argb[i] >> 8);
            out[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(w, h, out);
    }

    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[width * height];
        for (int i = 0; i < px.length; i++) {
            px[i] = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
        }
        img.setRGB(0, 0, width, height, px, 0, width);
        return img;
    }
}
