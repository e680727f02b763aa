package org.dimba4j.train.data.shapes;

/**
 * SplitMix64 (Steele, Lea and Flood), written out so that every scene is a function of (seed, index) fixed by
 * this file, not by a JDK version. Each scene gets its own stream: {@link #forScene} mixes seed and index.
 */
public final class SceneRandom {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    public SceneRandom(long seed) {
        this.state = seed;
    }

    /** The stream of scene {@code index} under {@code seed}; neighbouring indices give unrelated streams. */
    public static SceneRandom forScene(long seed, long index) {
        return new SceneRandom(mix(mix(seed) + index * 0xD1B54A32D192ED03L));
    }

    public long nextLong() {
        return mix(state += GAMMA);
    }

    /** Uniform in 0..bound-1 (bound > 0). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) Math.unsignedMultiplyHigh(nextLong(), bound);
    }

    /** Uniform in [0, 1), 53 bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    public boolean chance(double p) {
        return nextDouble() < p;
    }

    public <T> T pick(java.util.List<T> items) {
        return items.get(nextInt(items.size()));
    }

    public <T> T pick(T[] items) {
        return items[nextInt(items.length)];
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
