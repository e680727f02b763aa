package org.dimba4j.train.data.shapes;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The held-out set: every evaluation prompt holds a held-out combination, parses back, and can be laid out. */
class HeldOutTest {
    private static ObjectGroup g(ShapeColour c, ShapeKind s) {
        return new ObjectGroup(1, c, s, null);
    }

    @Test
    void rulesCoverBothPhrasingsOfAnArrangement() {
        assertTrue(HeldOut.isHeldOut(SceneSpec.single(new ObjectGroup(3, ShapeColour.BLUE, ShapeKind.TRIANGLE, ObjectSize.SMALL))));
        assertTrue(HeldOut.isHeldOut(SceneSpec.pair(g(ShapeColour.RED, ShapeKind.TRIANGLE), Relation.ABOVE, g(ShapeColour.RED, ShapeKind.SQUARE))));
        assertTrue(HeldOut.isHeldOut(SceneSpec.pair(g(ShapeColour.RED, ShapeKind.SQUARE), Relation.BELOW, g(ShapeColour.RED, ShapeKind.TRIANGLE))));
        assertTrue(HeldOut.isHeldOut(SceneSpec.pair(g(ShapeColour.RED, ShapeKind.TRIANGLE), Relation.RIGHT_OF, g(ShapeColour.BLUE, ShapeKind.CIRCLE))));
        assertFalse(HeldOut.isHeldOut(SceneSpec.pair(g(ShapeColour.RED, ShapeKind.SQUARE), Relation.ABOVE, g(ShapeColour.RED, ShapeKind.TRIANGLE))));
        assertFalse(HeldOut.isHeldOut(SceneSpec.pair(g(ShapeColour.RED, ShapeKind.TRIANGLE), Relation.AND, g(ShapeColour.RED, ShapeKind.SQUARE))));
        assertFalse(HeldOut.isHeldOut(SceneSpec.single(g(ShapeColour.BLUE, ShapeKind.CIRCLE))));
    }

    @Test
    void evalPromptsAreHeldOutDistinctParseableAndPlaceable() {
        List<HeldOut.EvalPrompt> prompts = HeldOut.evalPrompts();
        assertEquals(34, prompts.size());
        assertEquals(prompts, HeldOut.evalPrompts(), "fixed list");
        Set<String> seen = new HashSet<>();
        int spatial = 0;
        for (HeldOut.EvalPrompt p : prompts) {
            assertTrue(HeldOut.isHeldOut(p.spec()), p.prompt());
            assertTrue(seen.add(p.prompt()), "duplicate " + p.prompt());
            assertEquals(p.spec(), CaptionParser.parse(p.prompt()));
            assertEquals(p.spec(), SceneSpec.fromJson(p.spec().toJson()));
            if (p.spec().spatial()) spatial++;
            SceneRandom rng = new SceneRandom(p.prompt().hashCode());
            Scene s = null;
            for (int t = 0; t < 100 && s == null; t++) s = SceneLayout.place(p.spec(), rng);
            assertNotNull(s, "cannot lay out " + p.prompt());
        }
        assertEquals(19, spatial);
    }
}
