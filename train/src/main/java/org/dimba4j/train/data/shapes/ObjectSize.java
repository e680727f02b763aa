package org.dimba4j.train.data.shapes;

import java.util.Locale;

/**
 * Small or large. An object's extent (its bounding box's longer side) is a fraction of the image side, drawn
 * uniformly from a range per size; the ranges leave a gap so that a detector can tell the two apart by
 * {@link #THRESHOLD}.
 */
public enum ObjectSize {
    SMALL(0.17, 0.21),
    LARGE(0.30, 0.36);

    /** Extents below this fraction of the image side are small, above it large. */
    public static final double THRESHOLD = 0.255;

    private final double minExtent, maxExtent;

    ObjectSize(double minExtent, double maxExtent) {
        this.minExtent = minExtent;
        this.maxExtent = maxExtent;
    }

    /** Smallest extent, as a fraction of the image side. */
    public double minExtent() {
        return minExtent;
    }

    public double maxExtent() {
        return maxExtent;
    }

    /** The caption adjective; {@code big} is the synonym captions use for large at times. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "small", "large" or "big". */
    public static ObjectSize parse(String s) {
        return switch (s) {
            case "small" -> SMALL;
            case "large", "big" -> LARGE;
            default -> throw new IllegalArgumentException("unknown size '" + s + "' (expected small, large or big)");
        };
    }
}
