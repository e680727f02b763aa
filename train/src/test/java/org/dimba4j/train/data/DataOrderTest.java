package org.dimba4j.train.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DataOrderTest {

    @Test
    void splitMix64MatchesTheReferenceOutputs() {
        // first outputs of SplitMix64 seeded with 1234567 (the values of Vigna's splitmix64.c and SplittableRandom)
        SplitMix64 r = new SplitMix64(1234567);
        java.util.SplittableRandom jdk = new java.util.SplittableRandom(1234567);
        for (int i = 0; i < 5; i++) assertEquals(jdk.nextLong(), r.nextLong());
        assertEquals(6457827717110365317L, new SplitMix64(1234567).nextLong());
    }

    @Test
    void eachEpochIsAPermutationAndEpochsDiffer() {
        int[] a = DataOrder.permutation(50, 7, 0), b = DataOrder.permutation(50, 7, 1);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted[i]);
        assertFalse(Arrays.equals(a, b));
        assertFalse(Arrays.equals(a, DataOrder.permutation(50, 8, 0)));
        assertArrayEquals(a, DataOrder.permutation(50, 7, 0));
    }

    @Test
    void runsEpochAfterEpoch() {
        DataOrder order = new DataOrder(5, 3, DataPosition.START);
        int[] first = new int[5], second = new int[5];
        for (int i = 0; i < 5; i++) first[i] = order.next();
        assertEquals(new DataPosition(0, 5), order.position());
        for (int i = 0; i < 5; i++) second[i] = order.next();
        assertArrayEquals(DataOrder.permutation(5, 3, 0), first);
        assertArrayEquals(DataOrder.permutation(5, 3, 1), second);
        assertEquals(new DataPosition(1, 5), order.position());
    }

    @Test
    void aRestoredPositionContinuesTheSameSequence() {
        DataOrder whole = new DataOrder(7, 42, DataPosition.START);
        int[] expected = new int[40];
        for (int i = 0; i < 40; i++) expected[i] = whole.next();
        DataOrder first = new DataOrder(7, 42, DataPosition.START);
        int[] got = new int[40];
        for (int i = 0; i < 17; i++) got[i] = first.next();
        DataPosition saved = DataPosition.parse(first.position().toString());
        assertEquals(new DataPosition(2, 3), saved);
        DataOrder resumed = new DataOrder(7, 42, saved);
        for (int i = 17; i < 40; i++) got[i] = resumed.next();
        assertArrayEquals(expected, got);
    }

    @Test
    void batchesDropTheEpochRemainderLikeDropLast() {
        DataOrder order = new DataOrder(7, 5, DataPosition.START);
        int[] p0 = DataOrder.permutation(7, 5, 0), p1 = DataOrder.permutation(7, 5, 1);
        assertArrayEquals(Arrays.copyOfRange(p0, 0, 3), order.nextBatch(3));
        assertArrayEquals(Arrays.copyOfRange(p0, 3, 6), order.nextBatch(3));
        assertEquals(new DataPosition(0, 6), order.position());
        assertArrayEquals(Arrays.copyOfRange(p1, 0, 3), order.nextBatch(3)); // p0[6] dropped
        assertEquals(new DataPosition(1, 3), order.position());
        DataOrder resumed = new DataOrder(7, 5, new DataPosition(0, 6));
        assertArrayEquals(Arrays.copyOfRange(p1, 0, 3), resumed.nextBatch(3));
        assertThrows(IllegalArgumentException.class, () -> order.nextBatch(8));
    }

    @Test
    void badPositionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DataOrder(5, 1, new DataPosition(0, 6)));
        assertThrows(IllegalArgumentException.class, () -> DataPosition.parse("3"));
        assertThrows(IllegalArgumentException.class, () -> new DataPosition(-1, 0));
    }
}
