package org.dimba4j.io.image;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Reads a PNG or JPEG training image as PIL's {@code Image.open(path).convert("RGB")} gives it. The samples come
 * straight from the decoded raster, never through {@code BufferedImage.getRGB} (which runs grey images through a
 * linear-to-sRGB colour conversion and changes their values). The conversions are Pillow's: grey is replicated,
 * alpha and tRNS transparency are dropped without compositing, palettes are looked up, 1/2/4-bit grey is scaled to
 * 0..255 (Pillow's "L;2" / "L;4" unpackers), 16-bit RGB keeps the high byte (the "RGB;16B" unpacker) and 16-bit
 * grey, opened by Pillow as "I;16", is clipped to 255 (its I;16 -> RGB conversion clips, it does not scale).
 * A decoder warning (a JPEG cut short is decoded with grey fill and only a warning) is an error: a training set
 * must not silently hold half an image.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** Thrown for a file that is missing, truncated, corrupt or in a format this reader does not take. */
    public static final class BadImageException extends RuntimeException {
        public BadImageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static RgbImage readRgb(Path file) {
        if (!Files.isRegularFile(file)) throw new BadImageException("no such image file: " + file, null);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new BadImageException("cannot open image file " + file, null);
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = null;
            while (readers.hasNext() && reader == null) {
                ImageReader r = readers.next();
                String format = r.getFormatName().toLowerCase();
                if (format.equals("png") || format.equals("jpeg")) reader = r;
            }
            if (reader == null) throw new BadImageException(file + " is not a PNG or JPEG image", null);
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, warning) -> {
                    throw new BadImageException("corrupt image " + file + ": " + warning, null);
                });
                return toRgb(reader.read(0), file);
            } finally {
                reader.dispose();
            }
        } catch (BadImageException e) {
            throw e;
        } catch (IIOException e) {
            throw new BadImageException("corrupt or truncated image " + file + ": " + describe(e), e);
        } catch (IOException | RuntimeException e) {
            throw new BadImageException("cannot read image " + file + ": " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e.getCause() != null && e.getCause() != e ? msg + " (" + describe(e.getCause()) + ")" : msg;
    }

    private static RgbImage toRgb(BufferedImage img, Path file) {
        int w = img.getWidth(), h = img.getHeight();
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        byte[] out = new byte[Math.multiplyExact(3 * w, h)];
        if (cm instanceof IndexColorModel icm) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = raster.getSample(x, y, 0), o = 3 * (y * w + x);
                    out[o] = (byte) icm.getRed(i);
                    out[o + 1] = (byte) icm.getGreen(i);
                    out[o + 2] = (byte) icm.getBlue(i);
                }
            }
            return new RgbImage(w, h, out);
        }
        int type = cm.getColorSpace().getType();
        boolean grey = type == ColorSpace.TYPE_GRAY;
        if (!grey && type != ColorSpace.TYPE_RGB) {
            String name = type == ColorSpace.TYPE_CMYK ? "CMYK" : "type " + type;
            throw new BadImageException("image " + file + " has an unsupported colour space (" + name
                    + "); save it as RGB", null);
        }
        int bits = raster.getSampleModel().getSampleSize(0);
        int[] sample = new int[raster.getNumBands()];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, sample);
                int o = 3 * (y * w + x);
                for (int c = 0; c < 3; c++) out[o + c] = (byte) to8(sample[grey ? 0 : c], bits, grey);
            }
        }
        return new RgbImage(w, h, out);
    }

    private static int to8(int v, int bits, boolean grey) {
        if (bits == 8) return v;
        if (bits < 8) return v * 255 / ((1 << bits) - 1);
        if (bits == 16) return grey ? Math.min(v, 255) : v >> 8;
        throw new IllegalArgumentException(bits + "-bit samples are not supported");
    }
}
