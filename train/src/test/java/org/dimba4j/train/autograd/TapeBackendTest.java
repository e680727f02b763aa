package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.train.autograd.GradCheck.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tape's bookkeeping: what is recorded, what is refused, what a backward returns. */
class TapeBackendTest {
    final Random r = new Random(5);
    final ReferenceBackend ref = new ReferenceBackend();

    @Test
    void untrackedOpsAreComputedButNotRecorded() {
        TapeBackend tape = new TapeBackend(ref);
        Tensor x = rand(r, 1f, 3, 4);
        Tensor y = tape.silu(tape.add(x, x));
        assertEquals(0, tape.recordedOps());
        assertFalse(tape.isTracked(y));
        assertArrayEquals(ref.silu(ref.add(x, x)).floats(), y.floats());
    }

    @Test
    void handComputedGradientOfAProduct() {
        // L = sum(w * x) + sum(w): dL/dw = x + 1, dL/dx not asked for
        TapeBackend tape = new TapeBackend(ref);
        Tensor w = tape.watch(Tensor.of(new float[] {1, 2, 3}, 3));
        Tensor x = Tensor.of(new float[] {4, -5, 6}, 3);
        Tensor loss = tape.add(tape.sum(tape.mul(w, x), 0), tape.sum(w, 0));
        assertEquals(4, tape.recordedOps());
        Gradients g = tape.backward(loss);
        assertArrayEquals(new float[] {5, -4, 7}, g.get(w).floats());
        assertEquals(1, g.size());
        assertEquals(0, tape.recordedOps(), "backward clears the tape");
        assertFalse(tape.isTracked(loss), "intermediates are forgotten");
        assertTrue(tape.isTracked(w), "watched tensors stay watched");
    }

    @Test
    void aSeededBackwardFromAnOutputIsTheBackwardOfItsWeightedSum() {
        // out = silu(w * x); a head outside the tape says d loss / d out = s: the same as backward(sum(out * s))
        TapeBackend tape = new TapeBackend(ref);
        Tensor w = tape.watch(rand(r, 1f, 2, 3)), x = rand(r, 1f, 2, 3), s = rand(r, 1f, 2, 3);
        Gradients seeded = tape.backward(tape.silu(tape.mul(w, x)), s);
        Gradients viaSum = tape.backward(tape.sum(tape.mul(tape.silu(tape.mul(w, x)), s).reshape(6), 0));
        float[] a = seeded.get(w).floats(), b = viaSum.get(w).floats();
        for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-6f * (1 + Math.abs(b[i])), "dw[" + i + "]");
        assertEquals(0, tape.recordedOps(), "backward clears the tape");
        Tensor out = tape.mul(w, x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tape.backward(out, rand(r, 1f, 5)));
        assertTrue(e.getMessage().contains("seed gradient"), e.getMessage());
    }

    @Test
    void aWatchedTensorTheLossIgnoresHasNoGradient() {
        TapeBackend tape = new TapeBackend(ref);
        Tensor used = tape.watch(rand(r, 1f, 2)), unused = tape.watch(rand(r, 1f, 2));
        Gradients g = tape.backward(tape.sum(tape.exp(used), 0));
        assertNull(g.get(unused));
        assertFalse(g.has(unused));
        assertTrue(g.has(used));
    }

    @Test
    void gradientOfAViewIsTheGradientOfItsStorage() {
        TapeBackend tape = new TapeBackend(ref);
        Tensor w = tape.watch(rand(r, 1f, 2, 3));
        Tensor loss = tape.sum(w.reshape(6), 0);
        Tensor gw = tape.backward(loss).get(w.reshape(6));
        assertArrayEquals(new int[] {6}, gw.shape());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, gw.floats());
    }

    @Test
    void uploadOfAResidentTensorIsTheIdentity() {
        TapeBackend tape = new TapeBackend(ref);
        Tensor w = tape.watch(rand(r, 1f, 4));
        assertSame(w, tape.upload(w));
        assertEquals(0, tape.recordedOps());
    }

    @Test
    void opsWithoutBackwardRefuseTrackedInputsWithAClearMessage() {
        TapeBackend tape = new TapeBackend(ref);
        Tensor w = tape.watch(rand(r, 1f, 1, 4, 2, 2));
        var e = assertThrows(UnsupportedOperationException.class, () -> tape.max(w, 1));
        assertTrue(e.getMessage().contains("max has no backward"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> tape.siluBackward(w, w));
        Tensor q = rand(r, 1f, 1, 2, 4);
        Tensor trackedMask = tape.watch(Tensor.of(new float[] {1, 1}, 1, 2));
        assertThrows(UnsupportedOperationException.class, () -> tape.attention(q, q, q, 2, 1f, trackedMask, null));
        // the same ops on untracked inputs pass through
        assertArrayEquals(ref.max(q, 1).floats(), tape.max(q, 1).floats());
    }

    @Test
    void backwardOfALossThatIgnoresEveryWatchedTensorIsAnError() {
        TapeBackend tape = new TapeBackend(ref);
        tape.watch(rand(r, 1f, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> tape.backward(rand(r, 1f, 1)));
        assertTrue(e.getMessage().contains("does not depend on any watched tensor"), e.getMessage());
    }
}
