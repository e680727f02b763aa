package org.dimba4j.train.data.shapes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The combinations that never appear in training, so that evaluation asks for compositions the model has not seen:
 * <ul>
 *   <li>three colour-shape pairs: blue triangle, orange circle, green square (every colour and every shape is
 *       still seen, in other pairs);</li>
 *   <li>two shape arrangements: triangles above squares, and circles left of triangles, in either phrasing
 *       ("a square below a triangle" is the same arrangement), with any colours and counts (the opposite
 *       arrangements, squares above triangles, are trained).</li>
 * </ul>
 * A training scene holds none of these; {@link #evalPrompts()} is a fixed list of prompts that each hold one.
 */
public final class HeldOut {
    /** A held-out arrangement: groups of {@code first} stand {@code relation} groups of {@code second}. */
    public record Arrangement(ShapeKind first, Relation relation, ShapeKind second) {
        boolean matches(ShapeKind a, Relation r, ShapeKind b) {
            return (a == first && r == relation && b == second) || (a == second && r == relation.inverse() && b == first);
        }
    }

    /** A prompt with the scene it asks for. */
    public record EvalPrompt(String prompt, SceneSpec spec) {}

    public static final List<ObjectGroup> PAIRS = List.of(
            new ObjectGroup(1, ShapeColour.BLUE, ShapeKind.TRIANGLE, null),
            new ObjectGroup(1, ShapeColour.ORANGE, ShapeKind.CIRCLE, null),
            new ObjectGroup(1, ShapeColour.GREEN, ShapeKind.SQUARE, null));
    public static final List<Arrangement> ARRANGEMENTS = List.of(
            new Arrangement(ShapeKind.TRIANGLE, Relation.ABOVE, ShapeKind.SQUARE),
            new Arrangement(ShapeKind.CIRCLE, Relation.LEFT_OF, ShapeKind.TRIANGLE));
    /** Fixes the phrasing and colours of {@link #evalPrompts()}. */
    static final long EVAL_SEED = 17;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HeldOut() {}

    public static boolean heldOutPair(ShapeColour c, ShapeKind s) {
        for (ObjectGroup p : PAIRS) if (p.colour() == c && p.shape() == s) return true;
        return false;
    }

    /** Whether a scene holds a held-out pair or arrangement (and so may not be trained on). */
    public static boolean isHeldOut(SceneSpec spec) {
        for (ObjectGroup g : spec.groups()) if (heldOutPair(g.colour(), g.shape())) return true;
        if (!spec.spatial()) return false;
        ShapeKind a = spec.groups().get(0).shape(), b = spec.groups().get(1).shape();
        for (Arrangement h : ARRANGEMENTS) if (h.matches(a, spec.relation(), b)) return true;
        return false;
    }

    /**
     * The held-out evaluation prompts (34): per held-out pair, four one-group prompts (counts, sizes), one "and"
     * prompt and one spatial prompt; per held-out arrangement, eight prompts with trained colour-shape pairs,
     * counts, sizes and both phrasings. Every prompt's spec is placeable by {@link SceneLayout}.
     */
    public static List<EvalPrompt> evalPrompts() {
        SceneRandom rng = new SceneRandom(EVAL_SEED);
        List<EvalPrompt> out = new ArrayList<>();
        for (ObjectGroup p : PAIRS) {
            ShapeColour c = p.colour();
            ShapeKind s = p.shape();
            add(out, SceneSpec.single(new ObjectGroup(1, c, s, null)));
            add(out, SceneSpec.single(new ObjectGroup(2, c, s, null)));
            add(out, SceneSpec.single(new ObjectGroup(1, c, s, ObjectSize.LARGE)));
            add(out, SceneSpec.single(new ObjectGroup(3, c, s, ObjectSize.SMALL)));
            add(out, SceneSpec.pair(new ObjectGroup(1, c, s, null), Relation.AND, trainedGroup(rng, s, 1)));
            Relation r = rng.pick(List.of(Relation.LEFT_OF, Relation.RIGHT_OF, Relation.ABOVE, Relation.BELOW));
            SceneSpec spatial;
            do {
                spatial = SceneSpec.pair(new ObjectGroup(1, c, s, null), r, trainedGroup(rng, s, 1));
            } while (!onlyPairHeldOut(spatial));
            add(out, spatial);
        }
        for (Arrangement h : ARRANGEMENTS) {
            for (int k = 0; k < 8; k++) {
                int countA = k % 4 == 3 ? 2 : 1, countB = k % 4 == 2 ? 2 : 1;
                ObjectSize sizeA = k == 4 ? ObjectSize.LARGE : k == 5 ? ObjectSize.SMALL : null;
                ObjectSize sizeB = k == 4 ? ObjectSize.SMALL : k == 5 ? ObjectSize.LARGE : null;
                ObjectGroup a = trainedGroup(rng, h.first(), countA, sizeA), b = trainedGroup(rng, h.second(), countB, sizeB);
                add(out, k % 2 == 0 ? SceneSpec.pair(a, h.relation(), b) : SceneSpec.pair(b, h.relation().inverse(), a));
            }
        }
        return out;
    }

    private static void add(List<EvalPrompt> out, SceneSpec spec) {
        out.add(new EvalPrompt(CaptionWriter.canonical(spec), spec));
    }

    /** A group of a trained colour-shape pair whose shape differs from {@code not} (a circle for "and a ..."). */
    private static ObjectGroup trainedGroup(SceneRandom rng, ShapeKind not, int count) {
        ShapeKind s;
        do s = rng.pick(ShapeKind.values()); while (s == not);
        return trainedGroup(rng, s, count, null);
    }

    private static ObjectGroup trainedGroup(SceneRandom rng, ShapeKind shape, int count, ObjectSize size) {
        ShapeColour c;
        do c = rng.pick(ShapeColour.values()); while (heldOutPair(c, shape));
        return new ObjectGroup(count, c, shape, size);
    }

    /** The spatial prompt of a held-out pair should not also be a held-out arrangement (one novelty at a time). */
    private static boolean onlyPairHeldOut(SceneSpec spec) {
        ShapeKind a = spec.groups().get(0).shape(), b = spec.groups().get(1).shape();
        for (Arrangement h : ARRANGEMENTS) if (h.matches(a, spec.relation(), b)) return false;
        return true;
    }

    /** heldout.json: the rule, the pairs, the arrangements and the evaluation prompts with their specs. */
    public static ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("rule", "no training scene holds a held-out colour-shape pair, nor groups of the first shape standing"
                + " in the relation to groups of the second (in either phrasing: 'A above B' = 'B below A')");
        ArrayNode pairs = o.putArray("colour_shape_pairs");
        for (ObjectGroup p : PAIRS) pairs.addObject().put("colour", p.colour().word()).put("shape", p.shape().word());
        ArrayNode arr = o.putArray("arrangements");
        for (Arrangement h : ARRANGEMENTS) {
            arr.addObject().put("first", h.first().word()).put("relation", h.relation().id()).put("second", h.second().word());
        }
        ArrayNode prompts = o.putArray("eval_prompts");
        for (EvalPrompt p : evalPrompts()) {
            ObjectNode n = prompts.addObject();
            n.put("prompt", p.prompt());
            n.set("spec", p.spec().toJson());
        }
        return o;
    }
}
