package org.dimba4j.io.safetensors;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutates valid files (bit flips, JSON-aware edits, truncation, length-field changes, insertions, deletions) and
 * requires that reading each one, touching every element, either succeeds or throws SafetensorsException.
 */
class SafetensorsFuzzTest {
    static final int CASES = Integer.getInteger("dimba.fuzzCases", 12_000);
    static final long SEED = 0x5afe7e45L;
    private static final byte[] SPECIAL = "{}[]\",:-0123456789eE. \\u\u0000".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void mutatedFilesFailOnlyWithSafetensorsException() throws IOException {
        List<byte[]> seeds = List.of(
                Files.readAllBytes(Path.of("src/test/resources/fixtures/safetensors/mixed.safetensors")),
                SafetensorsBytes.of("{\"__metadata__\":{\"a\":\"b\"},\"w\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
                        + "\"z\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}", 16));
        SplittableRandom rnd = new SplittableRandom(SEED);
        int accepted = 0, rejected = 0;
        for (int c = 0; c < CASES; c++) {
            byte[] base = seeds.get(c % seeds.size());
            byte[] m = mutate(base, rnd, 1 + rnd.nextInt(3));
            try (SafetensorsFile f = SafetensorsBytes.read(m)) {
                SafetensorsBytes.readAll(f);
                accepted++;
            } catch (SafetensorsException e) {
                rejected++;
            } catch (Throwable t) {
                fail("case " + c + " (seed " + SEED + "): " + t + "\nbytes: " + new String(m, StandardCharsets.ISO_8859_1), t);
            }
        }
        assertTrue(rejected > CASES / 2, "most mutations should be caught, rejected " + rejected);
        assertTrue(accepted > 0, "some mutations (e.g. in the data) are harmless");
    }

    static byte[] mutate(byte[] base, SplittableRandom rnd, int times) {
        byte[] b = base.clone();
        long headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        for (int k = 0; k < times && b.length > 8; k++) {
            int headerEnd = (int) Math.min(b.length, 8 + Math.max(0, Math.min(headerLen, b.length)));
            int inHeader = headerEnd > 8 ? 8 + rnd.nextInt(headerEnd - 8) : rnd.nextInt(b.length);
            switch (rnd.nextInt(9)) {
                case 0 -> { int i = rnd.nextInt(b.length); b[i] ^= (byte) (1 << rnd.nextInt(8)); }
                case 1 -> { if (inHeader < b.length) b[inHeader] = SPECIAL[rnd.nextInt(SPECIAL.length)]; }
                case 2 -> { if (inHeader < b.length) b[inHeader] = (byte) rnd.nextInt(256); }
                case 3 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
                case 4 -> {
                    long delta = rnd.nextInt(5) == 0 ? rnd.nextLong() : rnd.nextInt(33) - 16;
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerLen + delta);
                }
                case 5 -> b = replaceDigitRun(b, inHeader, rnd);
                case 6 -> { // delete a short range
                    int i = rnd.nextInt(b.length), n = Math.min(b.length - i, 1 + rnd.nextInt(8));
                    byte[] r = new byte[b.length - n];
                    System.arraycopy(b, 0, r, 0, i);
                    System.arraycopy(b, i + n, r, i, b.length - i - n);
                    b = r;
                }
                case 7 -> { // insert a special byte
                    int i = Math.min(inHeader, b.length);
                    byte[] r = new byte[b.length + 1];
                    System.arraycopy(b, 0, r, 0, i);
                    r[i] = SPECIAL[rnd.nextInt(SPECIAL.length)];
                    System.arraycopy(b, i, r, i + 1, b.length - i);
                    b = r;
                }
                default -> { // copy a header span over another (duplicated keys, swapped offsets)
                    if (headerEnd - 8 > 16) {
                        int n = 1 + rnd.nextInt(12), from = 8 + rnd.nextInt(headerEnd - 8 - n), to = 8 + rnd.nextInt(headerEnd - 8 - n);
                        System.arraycopy(b.clone(), from, b, to, n);
                    }
                }
            }
        }
        return b;
    }

    /** Replaces the digits around {@code at} by a random number (big, negative, zero, off by one). */
    private static byte[] replaceDigitRun(byte[] b, int at, SplittableRandom rnd) {
        int i = at;
        while (i < b.length && !Character.isDigit(b[i])) i++;
        if (i >= b.length) return b;
        int j = i;
        while (j < b.length && Character.isDigit(b[j])) j++;
        String[] choices = {"0", "1", "-1", "4294967296", "9223372036854775807", "9223372036854775808", "2147483648",
                Long.toString(rnd.nextLong(1 << 20)), Long.toString(Long.parseLong(new String(b, i, Math.min(j - i, 18), StandardCharsets.ISO_8859_1)) + 1)};
        byte[] num = choices[rnd.nextInt(choices.length)].getBytes(StandardCharsets.ISO_8859_1);
        byte[] r = new byte[b.length - (j - i) + num.length];
        System.arraycopy(b, 0, r, 0, i);
        System.arraycopy(num, 0, r, i, num.length);
        System.arraycopy(b, j, r, i + num.length, b.length - j);
        // keep the length field consistent half of the time, so the JSON edit itself is what gets tested
        if (rnd.nextBoolean()) {
            ByteBuffer bb = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
            bb.putLong(0, bb.getLong(0) + num.length - (j - i));
        }
        return r;
    }
}
