package org.dimba4j.train.run;

import org.dimba4j.model.random.TorchGenerator;

/**
 * Which example each batch slot reads: the run walks through a permutation of the data set per epoch, the
 * permutation a pure function of (seed, epoch). The data position is just the number of examples consumed
 * ({@code step * batch}), so a resumed run continues mid-epoch at the same example.
 */
public final class DataOrder {
    private final long seed;
    private final int size;
    private long cachedEpoch = -1;
    private int[] cached;

    public DataOrder(long seed, int size) {
        if (size < 1) throw new IllegalArgumentException("the training data is empty");
        this.seed = seed;
        this.size = size;
    }

    /** Example indices of the batch of update {@code step} (0-based). */
    public int[] batch(long step, int batch) {
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) {
            long position = step * batch + i;
            out[i] = permutation(position / size)[(int) (position % size)];
        }
        return out;
    }

    /** The epoch and offset of the first example of update {@code step}, for the checkpoint's record. */
    public long[] position(long step, int batch) {
        long p = step * batch;
        return new long[] {p / size, p % size};
    }

    /** The order of epoch {@code epoch}: Fisher-Yates driven by MT19937 (uniform by rejection, no modulo bias). */
    int[] permutation(long epoch) {
        if (epoch == cachedEpoch) return cached;
        TorchGenerator g = new TorchGenerator(StepDraws.seedOf(seed, StepDraws.DATA_STREAM, epoch));
        int[] p = new int[size];
        for (int i = 0; i < size; i++) p[i] = i;
        for (int i = size - 1; i > 0; i--) {
            int j = below(g, i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        cachedEpoch = epoch;
        cached = p;
        return p;
    }

    private static int below(TorchGenerator g, int bound) {
        long limit = (1L << 32) - (1L << 32) % bound;
        long r;
        do {
            r = g.random();
        } while (r >= limit);
        return (int) (r % bound);
    }
}
