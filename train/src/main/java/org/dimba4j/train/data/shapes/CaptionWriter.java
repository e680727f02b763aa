package org.dimba4j.train.data.shapes;

import java.util.List;

/**
 * Turns a spec into an English caption with varied phrasing: counts as words or digits ("two", "2"; "a", "an",
 * "one" for a single object), the size before the colour when said, "big" for large at times, several phrasings
 * per relation, and an optional lead-in ("a picture of ..."). Every variant means the same spec, so a model
 * must learn the meaning, not one template.
 */
public final class CaptionWriter {
    private static final String[] WORDS = {"zero", "one", "two", "three", "four"};
    private static final List<String> LEAD_INS = List.of("a picture of ", "an image of ", "a drawing of ", "a simple illustration of ");
    static final double DIGIT = 0.25, BIG = 0.35, ONE = 0.15, LEAD_IN = 0.25;

    private CaptionWriter() {}

    public static String caption(SceneSpec spec, SceneRandom rng) {
        String body = phrase(spec.groups().get(0), rng);
        if (spec.relation() != null) {
            body += " " + rng.pick(spec.relation().phrases()) + " " + phrase(spec.groups().get(1), rng);
        }
        return rng.chance(LEAD_IN) ? rng.pick(LEAD_INS) + body : body;
    }

    /** The canonical caption: words for counts, "large", the first phrasing of the relation, no lead-in. */
    public static String canonical(SceneSpec spec) {
        String body = phrase(spec.groups().get(0), null);
        if (spec.relation() != null) body += " " + spec.relation().phrases().get(0) + " " + phrase(spec.groups().get(1), null);
        return body;
    }

    /** "two small blue squares", "an orange circle"; with a null rng, the canonical words. */
    static String phrase(ObjectGroup g, SceneRandom rng) {
        StringBuilder adjectives = new StringBuilder();
        if (g.size() != null) {
            boolean big = g.size() == ObjectSize.LARGE && rng != null && rng.chance(BIG);
            adjectives.append(big ? "big" : g.size().word()).append(' ');
        }
        adjectives.append(g.colour().word()).append(' ');
        if (g.count() == 1) {
            String determiner = rng != null && rng.chance(ONE) ? "one" : article(adjectives.charAt(0));
            return determiner + " " + adjectives + g.shape().word();
        }
        String count = rng != null && rng.chance(DIGIT) ? Integer.toString(g.count()) : WORDS[g.count()];
        return count + " " + adjectives + g.shape().plural();
    }

    private static String article(char next) {
        return "aeiou".indexOf(next) >= 0 ? "an" : "a";
    }
}
