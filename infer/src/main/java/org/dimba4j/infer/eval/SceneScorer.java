package org.dimba4j.infer.eval;

import org.dimba4j.train.data.shapes.ObjectGroup;
import org.dimba4j.train.data.shapes.SceneSpec;

import java.util.List;

/** Scores detected objects against a scene spec (see {@link SceneScore} for each metric's definition). */
public final class SceneScorer {
    private SceneScorer() {}

    public static SceneScore score(SceneSpec spec, List<DetectedObject> found) {
        boolean colour = true, shape = true, binding = true, count = true, size = true;
        int matchedTotal = 0;
        for (ObjectGroup g : spec.groups()) {
            colour &= found.stream().anyMatch(o -> o.colour() == g.colour());
            shape &= found.stream().anyMatch(o -> o.shape() == g.shape());
            List<DetectedObject> mine = members(g, found);
            binding &= !mine.isEmpty();
            count &= mine.size() == g.count();
            matchedTotal += mine.size();
            if (g.size() != null) size &= !mine.isEmpty() && mine.stream().allMatch(o -> o.size() == g.size());
        }
        count &= matchedTotal == found.size();
        Boolean spatial = spec.spatial() ? spatial(spec, found) : null;
        return new SceneScore(colour, shape, binding, count, size, spatial);
    }

    private static List<DetectedObject> members(ObjectGroup g, List<DetectedObject> found) {
        return found.stream().filter(o -> o.colour() == g.colour() && o.shape() == g.shape()).toList();
    }

    private static boolean spatial(SceneSpec spec, List<DetectedObject> found) {
        List<DetectedObject> a = members(spec.groups().get(0), found), b = members(spec.groups().get(1), found);
        if (a.isEmpty() || b.isEmpty()) return false;
        double dx = mean(b, true) - mean(a, true), dy = mean(b, false) - mean(a, false); // first group -> second
        return switch (spec.relation()) {
            case LEFT_OF -> dx > Math.abs(dy);
            case RIGHT_OF -> -dx > Math.abs(dy);
            case ABOVE -> dy > Math.abs(dx);
            case BELOW -> -dy > Math.abs(dx);
            case AND -> throw new AssertionError("not spatial");
        };
    }

    private static double mean(List<DetectedObject> os, boolean x) {
        return os.stream().mapToDouble(o -> x ? o.cx() : o.cy()).average().orElseThrow();
    }
}
