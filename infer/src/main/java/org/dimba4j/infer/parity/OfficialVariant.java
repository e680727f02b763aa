package org.dimba4j.infer.parity;

import org.dimba4j.model.dimba.DimbaConfig;

import java.util.Locale;

/**
 * The released Dimba models, as the official {@code scripts/inference.py} builds them ({@code Dimba_L_2}: depth 28,
 * hidden 1152; {@code Dimba_G_2}: depth 40, hidden 1408; 16 heads; 512 px with pe_interpolation 1 or 1024 px with 2;
 * captions of 300 T5-XXL tokens). Their configs are the model module's named ones ({@link DimbaConfig#named}).
 */
public enum OfficialVariant {
    L_512, L_1024, G_512, G_1024;

    /** The official name, e.g. {@code dimba-l-512}, also the name of its {@link DimbaConfig}. */
    public String officialName() {
        return "dimba-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public DimbaConfig config() {
        return DimbaConfig.named(officialName());
    }

    public int depth() {
        return config().depth();
    }

    public int hiddenSize() {
        return config().hiddenSize();
    }

    public int numHeads() {
        return config().numHeads();
    }

    /** Training resolution in pixels: input_size latents x 8. */
    public int imageSize() {
        return config().inputSize() * 8;
    }

    /** The script's {@code pe_interpolation = {512: 1, 1024: 2, 2048: 4}[image_size]}. */
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
            if (v.depth() == depth && v.hiddenSize() == hiddenSize && v.imageSize() == imageSize) return v;
        }
        return null;
    }
}
