package org.dimba4j.train.data.shapes;

import java.util.Locale;

/**
 * The six flat colours. The values are far apart in RGB (the closest pair, red and orange, differ by more than
 * 100) and far from every light background, so a nearest-colour rule separates them even on blurry samples.
 */
public enum ShapeColour {
    RED(215, 35, 35),
    GREEN(30, 160, 60),
    BLUE(35, 75, 215),
    YELLOW(240, 205, 20),
    PURPLE(135, 50, 175),
    ORANGE(245, 135, 20);

    private final int r, g, b;

    ShapeColour(int r, int g, int b) {
        this.r = r;
        this.g = g;
        this.b = b;
    }

    public int r() {
        return r;
    }

    public int g() {
        return g;
    }

    public int b() {
        return b;
    }

    /** The caption adjective: "red". */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ShapeColour parse(String s) {
        for (ShapeColour c : values()) if (c.word().equals(s)) return c;
        throw new IllegalArgumentException("unknown colour '" + s + "' (expected red, green, blue, yellow, purple or orange)");
    }
}
