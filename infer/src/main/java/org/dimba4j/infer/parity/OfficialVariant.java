package org.dimba4j.infer.parity;

import java.util.Locale;

/**
 * The released Dimba models, as the official {@code scripts/inference.py} builds them: {@code Dimba_L_2}
 * (depth 28, hidden 1152) and {@code Dimba_G_2} (depth 40, hidden 1408), 16 heads, patch 2, at 512 px
 * (latent 64, pe_interpolation 1) or 1024 px (latent 128, pe_interpolation 2), captions of 300 T5-XXL tokens.
 */
public enum OfficialVariant {
    L_512(28, 1152, 512), L_1024(28, 1152, 1024), G_512(40, 1408, 512), G_1024(40, 1408, 1024);

    /** {@code num_heads} of both released sizes (not recoverable from tensor shapes). */
    public static final int NUM_HEADS = 16;
    /** {@code max_sequence_length} of the official inference script. */
    public static final int MODEL_MAX_LENGTH = 300;
    /** T5 v1.1 XXL's d_model. */
    public static final int CAPTION_CHANNELS = 4096;

    private final int depth;
    private final int hiddenSize;
    private final int imageSize;

    OfficialVariant(int depth, int hiddenSize, int imageSize) {
        this.depth = depth;
        this.hiddenSize = hiddenSize;
        this.imageSize = imageSize;
    }

    public int depth() {
        return depth;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int imageSize() {
        return imageSize;
    }

    /** Latent side: image / 8. */
    public int inputSize() {
        return imageSize / 8;
    }

    /** The script's {@code pe_interpolation = {512: 1, 1024: 2, 2048: 4}[image_size]}. */
    public double peInterpolation() {
        return peInterpolationFor(imageSize);
    }

    /** The official name, e.g. {@code dimba-l-512}. */
    public String officialName() {
        return "dimba-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static double peInterpolationFor(int imageSize) {
        return imageSize / 512.0;
    }

    /** Parses {@code dimba-l-512}, {@code l-512}, {@code L_512} (case-insensitive). */
    public static OfficialVariant parse(String s) {
        String n = s.toUpperCase(Locale.ROOT).replace('-', '_');
        if (n.startsWith("DIMBA_")) n = n.substring("DIMBA_".length());
        for (OfficialVariant v : values()) {
            if (v.name().equals(n)) return v;
        }
        throw new IllegalArgumentException("unknown variant '" + s + "' (expected dimba-l-512, dimba-l-1024, "
                + "dimba-g-512 or dimba-g-1024)");
    }

    /** The released size with this depth and hidden size at this image size, or null. */
    public static OfficialVariant find(int depth, int hiddenSize, int imageSize) {
        for (OfficialVariant v : values()) {
            if (v.depth == depth && v.hiddenSize == hiddenSize && v.imageSize == imageSize) return v;
        }
        return null;
    }
}
