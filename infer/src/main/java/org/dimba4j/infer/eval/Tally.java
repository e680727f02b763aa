package org.dimba4j.infer.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/** Accuracy per metric over many scored images: colour, shape, binding, count, size, spatial, all-correct. */
public final class Tally {
    public static final String[] METRICS = {"colour", "shape", "binding", "count", "size", "spatial", "all-correct"};
    private final int[] hits = new int[METRICS.length], totals = new int[METRICS.length];

    public void add(SceneScore s) {
        boolean[] v = {s.colour(), s.shape(), s.binding(), s.count(), s.size(), s.spatial() != null && s.spatial(), s.allCorrect()};
        for (int i = 0; i < METRICS.length; i++) {
            if (i == 5 && s.spatial() == null) continue;
            totals[i]++;
            if (v[i]) hits[i]++;
        }
    }

    public void addAll(Tally other) {
        for (int i = 0; i < METRICS.length; i++) {
            hits[i] += other.hits[i];
            totals[i] += other.totals[i];
        }
    }

    /** Images scored (the all-correct denominator). */
    public int images() {
        return totals[METRICS.length - 1];
    }

    public int hits(String metric) {
        return hits[index(metric)];
    }

    public int total(String metric) {
        return totals[index(metric)];
    }

    /** hits / total, or NaN with no image in the denominator. */
    public double accuracy(String metric) {
        int i = index(metric);
        return totals[i] == 0 ? Double.NaN : hits[i] / (double) totals[i];
    }

    /** metric -> accuracy, in {@link #METRICS} order. */
    public Map<String, Double> accuracies() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String k : METRICS) m.put(k, accuracy(k));
        return m;
    }

    private static int index(String metric) {
        for (int i = 0; i < METRICS.length; i++) if (METRICS[i].equals(metric)) return i;
        throw new IllegalArgumentException("unknown metric " + metric);
    }
}
