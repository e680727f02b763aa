package org.dimba4j.train.data.shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a caption of the shapes grammar back into its spec: the inverse of {@link CaptionWriter}, and the way
 * {@code dimba eval} learns the ground truth of a prompt that comes without one. Grammar:
 * {@code [lead-in] group [relation group]}, {@code group = (a|an|one|two..four|1..4) [small|large|big] colour shape[s]}.
 */
public final class CaptionParser {
    private static final List<String> LEAD_INS = List.of("a picture of", "an image of", "a drawing of", "a simple illustration of");

    private CaptionParser() {}

    public static SceneSpec parse(String caption) {
        String text = caption.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("[.!]+$", "").replaceAll("\\s+", " ");
        for (String lead : LEAD_INS) {
            if (text.startsWith(lead + " ")) {
                text = text.substring(lead.length() + 1);
                break;
            }
        }
        List<String> words = new ArrayList<>(Arrays.asList(text.split(" ")));
        int[] pos = {0};
        ObjectGroup a = group(words, pos, caption);
        if (pos[0] == words.size()) return SceneSpec.single(a);
        Relation best = null;
        int bestLen = 0;
        for (Relation r : Relation.values()) {
            for (String phrase : r.phrases()) {
                List<String> p = Arrays.asList(phrase.split(" "));
                if (p.size() > bestLen && pos[0] + p.size() <= words.size() && words.subList(pos[0], pos[0] + p.size()).equals(p)) {
                    best = r;
                    bestLen = p.size();
                }
            }
        }
        if (best == null) throw bad(caption, "expected a relation (to the left of, above, and, ...) at '" + words.get(pos[0]) + "'");
        pos[0] += bestLen;
        ObjectGroup b = group(words, pos, caption);
        if (pos[0] != words.size()) throw bad(caption, "unexpected words after the second group: " + words.subList(pos[0], words.size()));
        return SceneSpec.pair(a, best, b);
    }

    private static ObjectGroup group(List<String> w, int[] pos, String caption) {
        if (pos[0] >= w.size()) throw bad(caption, "expected a group (\"a red circle\") at the end");
        String det = w.get(pos[0]++);
        int count = switch (det) {
            case "a", "an", "one", "1" -> 1;
            case "two", "2" -> 2;
            case "three", "3" -> 3;
            case "four", "4" -> 4;
            default -> throw bad(caption, "expected a count (a, one, two, 3, ...) at '" + det + "'");
        };
        ObjectSize size = null;
        if (pos[0] < w.size() && List.of("small", "large", "big").contains(w.get(pos[0]))) size = ObjectSize.parse(w.get(pos[0]++));
        if (pos[0] >= w.size()) throw bad(caption, "expected a colour after '" + det + "'");
        ShapeColour colour;
        try {
            colour = ShapeColour.parse(w.get(pos[0]++));
        } catch (IllegalArgumentException e) {
            throw bad(caption, e.getMessage());
        }
        if (pos[0] >= w.size()) throw bad(caption, "expected a shape after '" + colour.word() + "'");
        String noun = w.get(pos[0]++);
        String singular = count > 1 && noun.endsWith("s") ? noun.substring(0, noun.length() - 1) : noun;
        if (count > 1 && !noun.endsWith("s")) throw bad(caption, "expected a plural shape for count " + count + ", got '" + noun + "'");
        try {
            return new ObjectGroup(count, colour, ShapeKind.parse(singular), size);
        } catch (IllegalArgumentException e) {
            throw bad(caption, e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String caption, String why) {
        return new IllegalArgumentException("caption \"" + caption + "\" is outside the shapes grammar: " + why);
    }
}
