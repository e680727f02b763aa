package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.train.autograd.GradCheck.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TapeBackend.checkpoint: a block with a parameter in its closure, an untracked and a null input, an output that is
 * one of its inputs, and a nested checkpoint gives the same gradient bits as the same ops recorded directly, and
 * records nothing inside the block until the backward.
 */
class CheckpointTest {
    final Random r = new Random(9);
    final ReferenceBackend ref = new ReferenceBackend();

    /** {x * w + silu(x) * c, x}: w from the closure, c an untracked input, the second output the input itself. */
    private static Tensor[] block(Backend be, Tensor w, Tensor[] in, boolean nested, TapeBackend tape) {
        Tensor x = in[0], c = in[1];
        Tensor inner = nested
                ? tape.checkpoint("inner", (b, i) -> new Tensor[] {b.mul(b.silu(i[0]), i[1])}, x, c)[0]
                : be.mul(be.silu(x), c);
        return new Tensor[] {be.add(be.mul(x, w), inner), x};
    }

    private Gradients run(boolean checkpointed, boolean nested, Tensor w0, Tensor x0, Tensor c, long[] held) {
        TapeBackend tape = new TapeBackend(ref);
        Tensor w = tape.watch(w0), x = tape.watch(x0);
        Tensor h = tape.exp(x);
        Tensor[] out = checkpointed
                ? tape.checkpoint("block", (b, in) -> block(b, w, in, nested, tape), h, c, null)
                : block(tape, w, new Tensor[] {h, c, null}, false, tape);
        Tensor loss = tape.sum(tape.mul(tape.add(out[0], out[1]), out[0]).reshape(-1), 0);
        held[0] = tape.heldBytes();
        if (checkpointed) assertEquals(5, tape.recordedOps(), "exp, the checkpoint, add, mul, sum: nothing inside the block");
        return tape.backward(loss);
    }

    @Test
    void checkpointedGradientsAreTheSameBits() {
        Tensor w = rand(r, 1f, 3, 5), x = rand(r, 1f, 3, 5), c = rand(r, 1f, 3, 5);
        long[] plainHeld = new long[1], held = new long[1];
        Gradients plain = run(false, false, w, x, c, plainHeld);
        for (boolean nested : new boolean[] {false, true}) {
            Gradients g = run(true, nested, w, x, c, held);
            assertArrayEquals(plain.get(w).floats(), g.get(w).floats(), "dw, nested " + nested);
            assertArrayEquals(plain.get(x).floats(), g.get(x).floats(), "dx, nested " + nested);
            assertTrue(held[0] < plainHeld[0], held[0] + " bytes held with checkpointing, " + plainHeld[0] + " without");
        }
    }

    @Test
    void aBlockOfUntrackedInputsWithoutWatchedTensorsIsNotRecorded() {
        TapeBackend tape = new TapeBackend(ref);
        Tensor x = rand(r, 1f, 4);
        Tensor[] out = tape.checkpoint("block", (b, in) -> new Tensor[] {b.silu(in[0]), null}, x);
        assertEquals(0, tape.recordedOps());
        assertArrayEquals(ref.silu(x).floats(), out[0].floats());
        assertNull(out[1]);
        assertEquals(0, tape.heldBytes());
    }
}
