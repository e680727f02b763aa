package org.dimba4j.train.data;

/**
 * The order a run reads its examples in: epoch after epoch, each a Fisher-Yates shuffle of 0..size-1 drawn from
 * SplitMix64 seeded by (seed, epoch) alone, so any epoch's permutation can be rebuilt without replaying the
 * earlier ones and a resumed run reads exactly what the uninterrupted one would have. Not thread-safe.
 */
public final class DataOrder {
    private final int size;
    private final long seed;
    private long epoch;
    private int offset;
    private int[] permutation;

    public DataOrder(int size, long seed, DataPosition start) {
        if (size < 1) throw new IllegalArgumentException("a data order needs at least one example, got " + size);
        if (start.offset() > size) {
            throw new IllegalArgumentException("data position " + start + " is past the end of an epoch of " + size + " examples");
        }
        this.size = size;
        this.seed = seed;
        this.epoch = start.epoch();
        this.offset = start.offset();
        this.permutation = permutation(size, seed, epoch);
    }

    /** Epoch {@code epoch}'s permutation of 0..size-1. */
    public static int[] permutation(int size, long seed, long epoch) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) p[i] = i;
        // the epoch goes through its own mix so that neighbouring (seed, epoch) pairs give unrelated streams
        SplitMix64 rng = new SplitMix64(SplitMix64.mix(seed) ^ SplitMix64.mix(epoch + 0x632BE59BD9B4E019L));
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The next example's index; moves to the next epoch (a new permutation) at the end of one. */
    public int next() {
        if (offset == size) {
            epoch++;
            offset = 0;
            permutation = permutation(size, seed, epoch);
        }
        return permutation[offset++];
    }

    /**
     * The next {@code batch} indices from one epoch. As the official DataLoader ({@code drop_last=True}), an epoch
     * whose remainder is smaller than a batch ends there: the remainder is dropped and the batch comes from the
     * next epoch's permutation.
     */
    public int[] nextBatch(int batch) {
        if (batch < 1 || batch > size) throw new IllegalArgumentException("batch " + batch + " must be in 1.." + size + " (the data size)");
        if (size - offset < batch) offset = size; // drop_last: the next call to next() starts a new epoch
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) out[i] = next();
        return out;
    }

    /** The position after the examples read so far (save it; {@code new DataOrder(size, seed, it)} continues). */
    public DataPosition position() {
        return new DataPosition(epoch, offset);
    }

    public int size() {
        return size;
    }
}
