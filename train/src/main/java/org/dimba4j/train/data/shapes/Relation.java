package org.dimba4j.train.data.shapes;

import java.util.List;
import java.util.Locale;

/**
 * How the two groups of a two-group scene stand: one of four spatial relations of the first group to the
 * second, or {@link #AND}: both present, no place said. Each spatial relation has several caption phrasings.
 */
public enum Relation {
    LEFT_OF(List.of("to the left of", "on the left of", "left of")),
    RIGHT_OF(List.of("to the right of", "on the right of", "right of")),
    ABOVE(List.of("above", "over")),
    BELOW(List.of("below", "under", "beneath")),
    AND(List.of("and", "and", "with"));

    private final List<String> phrases;

    Relation(List<String> phrases) {
        this.phrases = phrases;
    }

    /** The ways a caption may say this relation; the first is the canonical one. */
    public List<String> phrases() {
        return phrases;
    }

    public boolean spatial() {
        return this != AND;
    }

    /** The same fact with the groups swapped: A left of B is B right of A. */
    public Relation inverse() {
        return switch (this) {
            case LEFT_OF -> RIGHT_OF;
            case RIGHT_OF -> LEFT_OF;
            case ABOVE -> BELOW;
            case BELOW -> ABOVE;
            case AND -> AND;
        };
    }

    /** The JSON name: "left_of". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Relation parse(String s) {
        for (Relation r : values()) if (r.id().equals(s)) return r;
        throw new IllegalArgumentException("unknown relation '" + s + "' (expected left_of, right_of, above, below or and)");
    }
}
