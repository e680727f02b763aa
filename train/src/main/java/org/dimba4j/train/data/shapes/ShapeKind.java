package org.dimba4j.train.data.shapes;

import java.util.Locale;

/** The three shapes of the shapes world, drawn axis-aligned (triangles point up). */
public enum ShapeKind {
    CIRCLE, SQUARE, TRIANGLE;

    /** The caption noun: "circle". */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The plural noun: "circles". */
    public String plural() {
        return word() + "s";
    }

    public static ShapeKind parse(String s) {
        for (ShapeKind k : values()) if (k.word().equals(s)) return k;
        throw new IllegalArgumentException("unknown shape '" + s + "' (expected circle, square or triangle)");
    }
}
