package org.dimba4j.train.data;

/**
 * A training set the trainer indexes: either an image folder encoded on the fly (VAE and T5 run per example) or a
 * cache written once by {@code dimba cache}. Indexing is random access so that a run's data position is just
 * (epoch, offset) into a permutation derived from the seed, and a resumed run reads the same examples.
 */
public interface TrainingData extends AutoCloseable {
    /** How many examples (after bad ones were skipped, where that was asked for). */
    int size();

    /** Example {@code index} in 0..size()-1. */
    TrainingExample get(int index);

    /** Where the data comes from, for logs and {@code train.json}. */
    String description();

    @Override
    default void close() {}
}
