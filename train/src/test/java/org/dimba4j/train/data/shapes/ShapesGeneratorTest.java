package org.dimba4j.train.data.shapes;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training distribution: a function of (seed, index), the whole vocabulary, no held-out combination. */
class ShapesGeneratorTest {
    private static final int N = 3000;

    @Test
    void exampleIsAFunctionOfSeedAndIndex() {
        for (int i = 0; i < 50; i++) {
            ShapesExample a = ShapesGenerator.example(7, i), b = ShapesGenerator.example(7, i);
            assertEquals(a.caption(), b.caption());
            assertEquals(a.scene().toJson(), b.scene().toJson());
        }
        assertNotEquals(ShapesGenerator.example(7, 0).scene().toJson(), ShapesGenerator.example(8, 0).scene().toJson());
        assertNotEquals(ShapesGenerator.example(7, 0).scene().toJson(), ShapesGenerator.example(7, 1).scene().toJson());
    }

    @Test
    void captionsParseBackToTheSpecAndCoverTheVocabulary() {
        Set<ShapeColour> colours = EnumSet.noneOf(ShapeColour.class);
        Set<ShapeKind> shapes = EnumSet.noneOf(ShapeKind.class);
        Set<Relation> relations = EnumSet.noneOf(Relation.class);
        Set<Integer> counts = new HashSet<>();
        Set<String> captions = new HashSet<>();
        boolean big = false, digit = false, small = false, large = false, onTheLeft = false;
        for (int i = 0; i < N; i++) {
            ShapesExample ex = ShapesGenerator.example(1, i);
            SceneSpec spec = ex.scene().spec();
            assertEquals(spec, CaptionParser.parse(ex.caption()), ex.caption());
            assertFalse(HeldOut.isHeldOut(spec), "held-out scene in training: " + ex.caption());
            captions.add(ex.caption());
            for (ObjectGroup g : spec.groups()) {
                colours.add(g.colour());
                shapes.add(g.shape());
                counts.add(g.count());
            }
            if (spec.relation() != null) relations.add(spec.relation());
            big |= ex.caption().contains(" big ");
            small |= ex.caption().contains(" small ");
            large |= ex.caption().contains(" large ");
            digit |= ex.caption().matches(".*\\b[1-4]\\b.*");
            onTheLeft |= ex.caption().contains("on the left of");
        }
        assertEquals(EnumSet.allOf(ShapeColour.class), colours);
        assertEquals(EnumSet.allOf(ShapeKind.class), shapes);
        assertEquals(EnumSet.allOf(Relation.class), relations);
        assertEquals(Set.of(1, 2, 3, 4), counts);
        assertTrue(big && small && large && digit && onTheLeft);
        assertTrue(captions.size() > N / 2, "only " + captions.size() + " distinct captions in " + N);
    }

    @Test
    void layoutKeepsObjectsApartInsideAndTheRelationTrue() {
        for (int i = 0; i < N; i++) {
            Scene s = ShapesGenerator.example(2, i).scene();
            assertEquals(s.spec().objectCount(), s.objects().size());
            for (int a = 0; a < s.objects().size(); a++) {
                PlacedObject p = s.objects().get(a);
                ObjectGroup g = s.spec().groups().get(p.group());
                assertEquals(g.colour(), p.colour());
                assertEquals(g.shape(), p.shape());
                if (g.size() != null) assertEquals(g.size(), p.size());
                assertTrue(p.extent() >= p.size().minExtent() && p.extent() <= p.size().maxExtent());
                assertTrue(p.cx() - p.halfExtent() >= 0 && p.cx() + p.halfExtent() <= 1 && p.cy() - p.halfExtent() >= 0 && p.cy() + p.halfExtent() <= 1);
                for (int b = a + 1; b < s.objects().size(); b++) {
                    PlacedObject q = s.objects().get(b);
                    double need = p.halfExtent() + q.halfExtent();
                    assertTrue(Math.abs(p.cx() - q.cx()) >= need || Math.abs(p.cy() - q.cy()) >= need, "objects overlap in scene " + i);
                }
                // objects of one group share one size
                for (PlacedObject q : s.objects()) if (q.group() == p.group()) assertEquals(p.size(), q.size());
            }
            if (s.spec().spatial()) assertTrue(SceneLayout.centroidsAgree(s.objects(), s.spec().relation()));
            for (int v : s.background()) assertTrue(v >= 228 && v <= 250);
        }
    }
}
