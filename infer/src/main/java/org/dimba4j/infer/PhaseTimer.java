package org.dimba4j.infer;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Wall-clock seconds per named phase (load, encode, sample, decode, ...), in the order first seen. */
public final class PhaseTimer {
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    /** Runs {@code body}, adds its time to {@code phase}, returns its value. */
    public <T> T time(String phase, java.util.function.Supplier<T> body) {
        long t0 = System.nanoTime();
        try {
            return body.get();
        } finally {
            add(phase, (System.nanoTime() - t0) / 1e9);
        }
    }

    public void add(String phase, double s) {
        seconds.merge(phase, s, Double::sum);
    }

    public double get(String phase) {
        return seconds.getOrDefault(phase, 0.0);
    }

    public double total() {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** "load 1.20 s, encode 0.31 s, ..." */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        seconds.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f s", k, v)));
        return sb.toString();
    }
}
