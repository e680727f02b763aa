package org.dimba4j.train.data;

/**
 * Steele, Lea and Flood's SplitMix64 (the generator behind java.util.SplittableRandom), written out so that the
 * data order is fixed by this file and not by a JDK version.
 */
final class SplitMix64 {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        return mix(state += GAMMA);
    }

    /** Uniform in 0..bound-1 (bound > 0): the high word of a 64x64-bit product, bias below 2^-32 for int bounds. */
    int nextInt(int bound) {
        return (int) Math.unsignedMultiplyHigh(nextLong(), bound);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
