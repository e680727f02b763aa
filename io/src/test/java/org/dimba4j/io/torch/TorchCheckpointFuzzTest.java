package org.dimba4j.io.torch;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutates valid torch archives, mostly inside data.pkl (opcodes, lengths, memo indices, sizes and strides) and
 * sometimes in the zip records, and requires that opening one and materialising every tensor either works or
 * throws TorchCheckpointException.
 */
class TorchCheckpointFuzzTest {
    static final int CASES = Integer.getInteger("dimba.fuzzCases", 6_000);
    static final long SEED = 0x70c4L;

    @Test
    void mutatedArchivesFailOnlyWithTorchCheckpointException() throws IOException {
        List<byte[]> seeds = List.of(
                Files.readAllBytes(TorchCheckpointTest.DIR.resolve("views.pt")),
                Files.readAllBytes(TorchCheckpointTest.DIR.resolve("nested.pt")),
                Files.readAllBytes(TorchCheckpointTest.DIR.resolve("dtypes.pt")),
                Files.readAllBytes(TorchCheckpointTest.DIR.resolve("zip64.pt")),
                Files.readAllBytes(TorchCheckpointTest.DIR.resolve("extras.pt")));
        SplittableRandom rnd = new SplittableRandom(SEED);
        int accepted = 0, rejected = 0;
        for (int c = 0; c < CASES; c++) {
            byte[] base = seeds.get(c % seeds.size());
            byte[] m = mutate(base, rnd);
            try (TorchCheckpoint ck = TorchCheckpoint.of(MemorySegment.ofArray(m), "fuzz.pt", null)) {
                for (String n : ck.names()) {
                    Tensor t = ck.get(n);
                    for (long i = 0; i < t.numel(); i++) t.getFlat(i);
                }
                accepted++;
            } catch (TorchCheckpointException e) {
                rejected++;
            } catch (Throwable t) {
                fail("case " + c + " (seed " + SEED + "): " + t, t);
            }
        }
        assertTrue(rejected > CASES / 4, "rejected " + rejected);
        assertTrue(accepted > CASES / 20, "accepted " + accepted);
    }

    /** Where data.pkl's bytes start and end: torch writes it first, sizes in a trailing descriptor, so find the next header. */
    private static int[] pickleSpan(byte[] b) {
        int nameLen = (b[26] & 0xff) | (b[27] & 0xff) << 8, extraLen = (b[28] & 0xff) | (b[29] & 0xff) << 8;
        int start = 30 + nameLen + extraLen, end = start;
        while (end + 4 <= b.length && !(b[end] == 'P' && b[end + 1] == 'K' && b[end + 2] == 7 && b[end + 3] == 8)
                && !(b[end] == 'P' && b[end + 1] == 'K' && b[end + 2] == 3 && b[end + 3] == 4)) end++;
        return new int[] {start, end};
    }

    static byte[] mutate(byte[] base, SplittableRandom rnd) {
        byte[] b = base.clone();
        int[] pkl = pickleSpan(b);
        int times = 1 + rnd.nextInt(3);
        for (int k = 0; k < times; k++) {
            int kind = pkl[1] - pkl[0] > 8 ? rnd.nextInt(10) : 7 + rnd.nextInt(3);
            int i = kind < 7 ? pkl[0] + rnd.nextInt(pkl[1] - pkl[0]) : rnd.nextInt(b.length);
            switch (kind) {
                case 0, 1 -> b[i] = (byte) rnd.nextInt(256);
                case 2 -> b[i] ^= (byte) (1 << rnd.nextInt(8));
                case 3 -> b[i] = (byte) (b[i] + (rnd.nextBoolean() ? 1 : -1)); // sizes, strides, offsets, memo ids off by one
                case 4 -> b[i] = (byte) new int[] {0, 1, 2, 0x7f, 0x80, 0xff, '(', 't', 'R', 'Q', 'h', 'q', '.', 'K', 'X'}[rnd.nextInt(15)];
                case 5 -> { // swap two pickle bytes
                    int j = pkl[0] + rnd.nextInt(pkl[1] - pkl[0]);
                    byte x = b[i]; b[i] = b[j]; b[j] = x;
                }
                case 6 -> { // copy a run of the pickle over another (shuffles opcodes and arguments)
                    int n = 1 + rnd.nextInt(8), from = pkl[0] + rnd.nextInt(Math.max(1, pkl[1] - pkl[0] - n));
                    System.arraycopy(b.clone(), from, b, i, Math.min(n, pkl[1] - i));
                }
                case 7 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
                default -> { // zip records: flip a byte in the last 200 bytes (central directory and end record)
                    int j = Math.max(0, b.length - 1 - rnd.nextInt(Math.min(200, b.length)));
                    b[j] = (byte) rnd.nextInt(256);
                }
            }
            if (b.length < 30) break;
            pkl = new int[] {Math.min(pkl[0], b.length - 1), Math.min(pkl[1], b.length)};
        }
        return b;
    }
}
