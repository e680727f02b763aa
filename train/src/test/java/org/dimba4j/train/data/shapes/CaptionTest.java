package org.dimba4j.train.data.shapes;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caption grammar on the issue's examples, both ways. */
class CaptionTest {
    private static ObjectGroup g(int n, ShapeColour c, ShapeKind s, ObjectSize z) {
        return new ObjectGroup(n, c, s, z);
    }

    @Test
    void canonicalCaptions() {
        assertEquals("a red circle", CaptionWriter.canonical(SceneSpec.single(g(1, ShapeColour.RED, ShapeKind.CIRCLE, null))));
        assertEquals("two small blue squares", CaptionWriter.canonical(SceneSpec.single(g(2, ShapeColour.BLUE, ShapeKind.SQUARE, ObjectSize.SMALL))));
        assertEquals("a large yellow triangle above a green circle", CaptionWriter.canonical(SceneSpec.pair(
                g(1, ShapeColour.YELLOW, ShapeKind.TRIANGLE, ObjectSize.LARGE), Relation.ABOVE, g(1, ShapeColour.GREEN, ShapeKind.CIRCLE, null))));
        assertEquals("an orange square", CaptionWriter.canonical(SceneSpec.single(g(1, ShapeColour.ORANGE, ShapeKind.SQUARE, null))));
    }

    @Test
    void parsesTheIssueExamplesAndSynonyms() {
        assertEquals(SceneSpec.pair(g(3, ShapeColour.PURPLE, ShapeKind.CIRCLE, null), Relation.LEFT_OF, g(1, ShapeColour.ORANGE, ShapeKind.SQUARE, null)),
                CaptionParser.parse("three purple circles on the left of an orange square"));
        assertEquals(SceneSpec.pair(g(2, ShapeColour.RED, ShapeKind.CIRCLE, ObjectSize.SMALL), Relation.LEFT_OF, g(1, ShapeColour.BLUE, ShapeKind.SQUARE, null)),
                CaptionParser.parse("two small red circles to the left of a blue square"));
        assertEquals(SceneSpec.single(g(4, ShapeColour.GREEN, ShapeKind.TRIANGLE, ObjectSize.LARGE)), CaptionParser.parse("A picture of 4 big green triangles."));
        assertEquals(SceneSpec.pair(g(1, ShapeColour.RED, ShapeKind.SQUARE, null), Relation.BELOW, g(1, ShapeColour.BLUE, ShapeKind.CIRCLE, null)),
                CaptionParser.parse("one red square beneath a blue circle"));
    }

    @Test
    void rejectsCaptionsOutsideTheGrammarNamingTheWord() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CaptionParser.parse("a pink circle")).getMessage().contains("pink"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CaptionParser.parse("a red circle near a blue square")).getMessage().contains("near"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CaptionParser.parse("two red circle")).getMessage().contains("plural"));
        assertThrows(IllegalArgumentException.class, () -> CaptionParser.parse("five red circles"));
        assertThrows(IllegalArgumentException.class, () -> CaptionParser.parse("three red circles and two blue squares"), "five objects");
    }
}
