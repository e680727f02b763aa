package org.dimba4j.io.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SentencePiece's precompiled normalization rules ({@code normalizer_spec.precompiled_charsmap}, also the
 * {@code Precompiled} normalizer of a tokenizer.json): a darts-clone double-array trie over UTF-8 byte strings
 * whose values are offsets of NUL-terminated replacement strings.
 *
 * <p>Blob layout: uint32 LE trie size in bytes, the trie's uint32 units, then the replacement strings.
 * Each unit packs: bits 0-7 label, bit 8 has-leaf, bit 9 offset extension, bits 10-31 offset; a leaf unit
 * holds the value in bits 0-30.
 */
final class PrecompiledCharsMap {
    /** One match of a common-prefix search: the key length in bytes and the replacement offset. */
    record Match(int length, int value) {}

    private final int[] units;
    private final byte[] normalized;

    private PrecompiledCharsMap(int[] units, byte[] normalized) {
        this.units = units;
        this.normalized = normalized;
    }

    static PrecompiledCharsMap parse(byte[] blob, String source) {
        if (blob.length < 4) throw new IllegalArgumentException(source + ": precompiled charsmap of " + blob.length + " bytes is too short");
        ByteBuffer bb = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        long trieSize = Integer.toUnsignedLong(bb.getInt());
        if (trieSize % 4 != 0 || 4 + trieSize > blob.length) {
            throw new IllegalArgumentException(source + ": precompiled charsmap trie size " + trieSize + " does not fit the " + blob.length + "-byte blob");
        }
        int[] units = new int[(int) (trieSize / 4)];
        for (int i = 0; i < units.length; i++) units[i] = bb.getInt();
        byte[] normalized = new byte[blob.length - 4 - (int) trieSize];
        bb.get(normalized);
        return new PrecompiledCharsMap(units, normalized);
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    private static int label(int unit) {
        return unit & ((1 << 31) | 0xFF);
    }

    private static boolean hasLeaf(int unit) {
        return ((unit >>> 8) & 1) == 1;
    }

    private static int value(int unit) {
        return unit & 0x7FFFFFFF;
    }

    /** Every key that is a prefix of {@code key[from..to)}, shortest first. Stops at a NUL byte (as both references do). */
    List<Match> commonPrefixSearch(byte[] key, int from, int to) {
        List<Match> out = new ArrayList<>(2);
        if (units.length == 0) return out;
        int pos = 0;
        int unit = units[pos];
        pos ^= offset(unit);
        for (int i = from; i < to; i++) {
            int c = key[i] & 0xFF;
            if (c == 0) break;
            pos ^= c;
            if (pos < 0 || pos >= units.length) break;
            unit = units[pos];
            if (label(unit) != c) break;
            pos ^= offset(unit);
            if (hasLeaf(unit)) {
                if (pos < 0 || pos >= units.length) break;
                out.add(new Match(i + 1 - from, value(units[pos])));
            }
        }
        return out;
    }

    /** The NUL-terminated replacement string at {@code offset}. */
    String replacement(int offset) {
        int end = offset;
        while (end < normalized.length && normalized[end] != 0) end++;
        return new String(normalized, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** The replacement of the longest rule matching a prefix of {@code key[from..to)}, with its length; null if none. */
    Match longest(byte[] key, int from, int to) {
        Match best = null;
        for (Match m : commonPrefixSearch(key, from, to)) {
            if (best == null || m.length() > best.length()) best = m;
        }
        return best;
    }
}
