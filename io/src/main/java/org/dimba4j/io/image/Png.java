package org.dimba4j.io.image;

import org.dimba4j.kernels.Tensor;
import org.w3c.dom.Node;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PNG files with text chunks (javax.imageio). Text goes into {@code tEXt} chunks, or {@code iTXt} (UTF-8) when
 * it is not Latin-1, as Pillow's PngInfo.add_text does; reading merges tEXt, zTXt and iTXt. An A1111-style
 * {@code parameters} chunk ({@link GenerationParameters}) lets a picture tell how it was made.
 */
public final class Png {
    /** The keyword A1111 and compatible tools read generation settings from. */
    public static final String PARAMETERS = "parameters";
    private static final String FORMAT = "javax_imageio_png_1.0";
    private static final java.security.SecureRandom TEMP_NAMES = new java.security.SecureRandom();

    private Png() {}

    /** A picture read from a PNG with its text chunks (keyword -> text, in file order). */
    public record Picture(RgbImage image, Map<String, String> text) {
        /** The [3, H, W] tensor in [-1, 1] the VAE encoder takes. */
        public Tensor tensor() {
            return ImageTensors.toTensor(image);
        }

        /** The A1111 {@code parameters} chunk, parsed; null when absent. */
        public GenerationParameters parameters() {
            String p = text.get(PARAMETERS);
            return p == null ? null : GenerationParameters.parse(p);
        }
    }

    /** Writes a [3, H, W] (or [1, 3, H, W]) tensor in [-1, 1] with an A1111 {@code parameters} chunk. */
    public static void write(Path file, Tensor image, GenerationParameters parameters) {
        write(file, ImageTensors.toImage(image), parameters == null ? Map.of() : Map.of(PARAMETERS, parameters.toText()));
    }

    /** Reads a PNG from its bytes (as {@link #read(Path)}). */
    public static Picture read(byte[] png) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(png))) {
            return read(in, "PNG bytes");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PNG bytes: " + e.getMessage(), e);
        }
    }

    /**
     * Writes an RGB picture with the given text chunks, atomically: the bytes go to a fresh temporary file in the
     * same folder (a unique name, so concurrent writers of one path never share it), which is then renamed over
     * {@code file}. Readers see the old file or the whole new one; of two concurrent writers, the last rename wins.
     */
    public static void write(Path file, RgbImage image, Map<String, String> text) {
        byte[] bytes = encode(image, text);
        Path abs = file.toAbsolutePath();
        Path tmp = null;
        try {
            Path dir = abs.getParent();
            if (dir != null) Files.createDirectories(dir);
            // not Files.createTempFile: its owner-only permissions would stick to the picture after the rename
            tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toUnsignedString(TEMP_NAMES.nextLong(), 36) + ".tmp");
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                if (tmp != null) Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write error is the one to report
            }
            throw new UncheckedIOException("cannot write PNG " + file + ": " + e.getMessage(), e);
        }
    }

    /** The PNG file's bytes for a [3, H, W] (or [1, 3, H, W]) tensor in [-1, 1] with a {@code parameters} chunk. */
    public static byte[] encode(Tensor image, GenerationParameters parameters) {
        return encode(ImageTensors.toImage(image), parameters == null ? Map.of() : Map.of(PARAMETERS, parameters.toText()));
    }

    /** The PNG file's bytes for an RGB picture with the given text chunks (what {@link #write} writes). */
    public static byte[] encode(RgbImage image, Map<String, String> text) {
        for (String k : text.keySet()) {
            if (k.isEmpty() || k.length() > 79 || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(k)) {
                throw new IllegalArgumentException("PNG text keyword '" + k + "' must be 1-79 Latin-1 characters");
            }
        }
        BufferedImage img = image.toBufferedImage();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
            meta.mergeTree(FORMAT, textTree(text));
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(img, null, meta), param);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
    }

    private static IIOMetadataNode textTree(Map<String, String> text) throws IIOInvalidTreeException {
        IIOMetadataNode root = new IIOMetadataNode(FORMAT);
        IIOMetadataNode latin = new IIOMetadataNode("tEXt"), utf8 = new IIOMetadataNode("iTXt");
        for (Map.Entry<String, String> e : text.entrySet()) {
            if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(e.getValue())) {
                IIOMetadataNode n = new IIOMetadataNode("tEXtEntry");
                n.setAttribute("keyword", e.getKey());
                n.setAttribute("value", e.getValue());
                latin.appendChild(n);
            } else {
                IIOMetadataNode n = new IIOMetadataNode("iTXtEntry");
                n.setAttribute("keyword", e.getKey());
                n.setAttribute("compressionFlag", "FALSE");
                n.setAttribute("compressionMethod", "0");
                n.setAttribute("languageTag", "");
                n.setAttribute("translatedKeyword", "");
                n.setAttribute("text", e.getValue());
                utf8.appendChild(n);
            }
        }
        if (latin.hasChildNodes()) root.appendChild(latin);
        if (utf8.hasChildNodes()) root.appendChild(utf8);
        return root;
    }

    /** Reads a PNG (any bit depth or colour type; alpha dropped) and its text chunks. */
    public static Picture read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such PNG file: " + file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PNG " + file + ": " + e.getMessage(), e);
        }
    }

    private static Picture read(ImageInputStream in, String what) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        ImageReader reader = null;
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (r.getFormatName().equalsIgnoreCase("png")) reader = r;
        }
        if (reader == null) throw new IllegalArgumentException(what + " is not a PNG file");
        try {
            reader.setInput(in, true, false);
            BufferedImage img = reader.read(0);
            IIOMetadata meta = reader.getImageMetadata(0);
            return new Picture(RgbImage.of(img), readText((IIOMetadataNode) meta.getAsTree(FORMAT)));
        } finally {
            reader.dispose();
        }
    }

    private static Map<String, String> readText(IIOMetadataNode root) {
        Map<String, String> text = new LinkedHashMap<>();
        for (Node chunk = root.getFirstChild(); chunk != null; chunk = chunk.getNextSibling()) {
            String name = chunk.getNodeName();
            if (!name.equals("tEXt") && !name.equals("zTXt") && !name.equals("iTXt")) continue;
            for (Node e = chunk.getFirstChild(); e != null; e = e.getNextSibling()) {
                IIOMetadataNode entry = (IIOMetadataNode) e;
                String value = name.equals("tEXt") ? entry.getAttribute("value") : entry.getAttribute("text");
                text.put(entry.getAttribute("keyword"), value);
            }
        }
        return text;
    }
}
