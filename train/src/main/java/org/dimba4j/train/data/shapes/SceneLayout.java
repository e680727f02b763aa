package org.dimba4j.train.data.shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * Places a spec's objects. One group, or two joined by "and", use the whole picture; a spatial relation puts the
 * first group in its half (left of a split line for "left of", above it for "above", ...) and the second in the
 * other, with a gap between, and requires the groups' centroids to differ more along the relation's axis than
 * across it, so the relation is unambiguous to a viewer and to the detector. Bounding boxes never touch: a gap
 * keeps every object its own connected component. Placement is by rejection; a spec that does not fit (three
 * large objects in one half) gives null and the caller draws another scene.
 */
public final class SceneLayout {
    /** Free border around the picture and between objects, relative to the side. */
    static final double MARGIN = 0.02, GAP = 0.03;
    /** How much more the group centroids must differ along a relation's axis than across it. */
    static final double DOMINANCE = 0.05;
    private static final int TRIES = 60;

    private SceneLayout() {}

    /** A light, nearly grey background: every channel 228..250, so every object colour stands off it. */
    public static int[] background(SceneRandom rng) {
        int base = 236 + rng.nextInt(12);
        return new int[] {base - 6 + rng.nextInt(7), base - 6 + rng.nextInt(7), base - 6 + rng.nextInt(7)};
    }

    public static Scene place(SceneSpec spec, SceneRandom rng) {
        int[] bg = background(rng);
        // region per group: {x0, y0, x1, y1} for the centre box's outer edges
        double[][] regions = new double[2][];
        double split = rng.uniform(0.42, 0.58), half = GAP / 2;
        Relation r = spec.relation();
        double[] all = {MARGIN, MARGIN, 1 - MARGIN, 1 - MARGIN};
        if (r == null || !r.spatial()) {
            regions[0] = all;
            regions[1] = all;
        } else {
            double[] first = switch (r) {
                case LEFT_OF -> new double[] {MARGIN, MARGIN, split - half, 1 - MARGIN};
                case RIGHT_OF -> new double[] {split + half, MARGIN, 1 - MARGIN, 1 - MARGIN};
                case ABOVE -> new double[] {MARGIN, MARGIN, 1 - MARGIN, split - half};
                case BELOW -> new double[] {MARGIN, split + half, 1 - MARGIN, 1 - MARGIN};
                case AND -> throw new AssertionError();
            };
            double[] second = switch (r) {
                case LEFT_OF -> new double[] {split + half, MARGIN, 1 - MARGIN, 1 - MARGIN};
                case RIGHT_OF -> new double[] {MARGIN, MARGIN, split - half, 1 - MARGIN};
                case ABOVE -> new double[] {MARGIN, split + half, 1 - MARGIN, 1 - MARGIN};
                case BELOW -> new double[] {MARGIN, MARGIN, 1 - MARGIN, split - half};
                case AND -> throw new AssertionError();
            };
            regions[0] = first;
            regions[1] = second;
        }
        List<PlacedObject> placed = new ArrayList<>();
        for (int gi = 0; gi < spec.groups().size(); gi++) {
            ObjectGroup g = spec.groups().get(gi);
            ObjectSize size = g.size() != null ? g.size() : rng.chance(0.5) ? ObjectSize.SMALL : ObjectSize.LARGE;
            for (int k = 0; k < g.count(); k++) {
                PlacedObject o = placeOne(gi, g, size, regions[gi], placed, rng);
                if (o == null) return null;
                placed.add(o);
            }
        }
        if (spec.spatial() && !centroidsAgree(placed, r)) return null;
        return new Scene(spec, placed, bg);
    }

    private static PlacedObject placeOne(int gi, ObjectGroup g, ObjectSize size, double[] region, List<PlacedObject> placed, SceneRandom rng) {
        double extent = rng.uniform(size.minExtent(), size.maxExtent()), h = extent / 2;
        if (region[2] - region[0] < extent || region[3] - region[1] < extent) return null;
        for (int t = 0; t < TRIES; t++) {
            double cx = rng.uniform(region[0] + h, region[2] - h), cy = rng.uniform(region[1] + h, region[3] - h);
            boolean free = true;
            for (PlacedObject p : placed) {
                double need = h + p.halfExtent() + GAP;
                if (Math.abs(cx - p.cx()) < need && Math.abs(cy - p.cy()) < need) {
                    free = false;
                    break;
                }
            }
            if (free) return new PlacedObject(gi, g.shape(), g.colour(), size, cx, cy, extent);
        }
        return null;
    }

    /**
     * The groups' centroids differ along the relation's axis, in its direction, more than across it, by
     * {@link #DOMINANCE} at least: a borderline layout would be ambiguous once pixels round the positions.
     */
    static boolean centroidsAgree(List<PlacedObject> objects, Relation r) {
        double[] a = centroid(objects, 0), b = centroid(objects, 1);
        double dx = b[0] - a[0], dy = b[1] - a[1]; // from the first group to the second
        return switch (r) {
            case LEFT_OF -> dx > Math.abs(dy) + DOMINANCE;
            case RIGHT_OF -> -dx > Math.abs(dy) + DOMINANCE;
            case ABOVE -> dy > Math.abs(dx) + DOMINANCE;
            case BELOW -> -dy > Math.abs(dx) + DOMINANCE;
            case AND -> true;
        };
    }

    private static double[] centroid(List<PlacedObject> objects, int group) {
        double x = 0, y = 0;
        int n = 0;
        for (PlacedObject p : objects) {
            if (p.group() != group) continue;
            x += p.cx();
            y += p.cy();
            n++;
        }
        return new double[] {x / n, y / n};
    }
}
