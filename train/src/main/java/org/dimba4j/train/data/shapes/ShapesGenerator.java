package org.dimba4j.train.data.shapes;

import java.util.List;

/**
 * The training distribution of the shapes world: example (seed, index) is a pure function of the two. A scene is
 * one group (40%: one to four alike objects), two groups joined by "and" (20%) or two groups in a spatial
 * relation (40%, the four relations alike); each group states its size half of the time. Scenes that hold a
 * {@link HeldOut} combination, or that do not fit, are redrawn from the same stream.
 */
public final class ShapesGenerator {
    private static final List<Relation> SPATIAL = List.of(Relation.LEFT_OF, Relation.RIGHT_OF, Relation.ABOVE, Relation.BELOW);
    private static final int REDRAWS = 1000;

    private ShapesGenerator() {}

    public static ShapesExample example(long seed, long index) {
        SceneRandom rng = SceneRandom.forScene(seed, index);
        for (int t = 0; t < REDRAWS; t++) {
            SceneSpec spec = spec(rng);
            if (HeldOut.isHeldOut(spec)) continue;
            Scene scene = SceneLayout.place(spec, rng);
            if (scene == null) continue;
            return new ShapesExample(index, scene, CaptionWriter.caption(spec, rng));
        }
        throw new IllegalStateException("no placeable scene in " + REDRAWS + " draws for seed " + seed + " index " + index);
    }

    /** A random spec, before the held-out filter. */
    static SceneSpec spec(SceneRandom rng) {
        double kind = rng.nextDouble();
        if (kind < 0.4) {
            double c = rng.nextDouble();
            int count = c < 0.4 ? 1 : c < 0.65 ? 2 : c < 0.85 ? 3 : 4;
            return SceneSpec.single(group(rng, count));
        }
        Relation r = kind < 0.6 ? Relation.AND : rng.pick(SPATIAL);
        int countA = rng.chance(0.6) ? 1 : 1 + rng.nextInt(3);
        int countB = rng.chance(0.6) ? 1 : 1 + rng.nextInt(SceneSpec.MAX_OBJECTS - countA);
        ObjectGroup a = group(rng, countA), b;
        do b = group(rng, countB); while (b.colour() == a.colour() && b.shape() == a.shape());
        return SceneSpec.pair(a, r, b);
    }

    private static ObjectGroup group(SceneRandom rng, int count) {
        ObjectSize size = rng.chance(0.5) ? null : rng.chance(0.5) ? ObjectSize.SMALL : ObjectSize.LARGE;
        return new ObjectGroup(count, rng.pick(ShapeColour.values()), rng.pick(ShapeKind.values()), size);
    }
}
