package org.dimba4j.train;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.dimba4j.train.autograd.TapeBackend;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The epsilon MSE by hand, its gradient, and the in-memory parameter set's checks. */
class LossAndParametersTest {
    final ReferenceBackend ref = new ReferenceBackend();

    @Test
    void mseUsesOnlyTheEpsilonChannelsAndAveragesPerSampleThenOverTheBatch() {
        // B = 2, C = 1, H = 1, W = 2; the output has 2C channels: [eps | variance]
        Tensor out = Tensor.of(new float[] {1, 2, 100, 100, 0, 4, -100, -100}, 2, 2, 1, 2);
        Tensor noise = Tensor.of(new float[] {0, 0, 1, 1}, 2, 1, 1, 2);
        // sample 0: ((1)^2 + (2)^2) / 2 = 2.5; sample 1: ((-1)^2 + (3)^2) / 2 = 5; mean 3.75
        TapeBackend tape = new TapeBackend(ref);
        tape.watch(out);
        Tensor loss = EpsilonMseLoss.dimba().mse(tape, out, noise);
        assertArrayEquals(new int[] {1}, loss.shape());
        assertEquals(3.75f, loss.getFlat(0), 1e-6);
        // d/d eps = 2 (eps - noise) / (C H W) / B; the variance channels get zeros
        assertArrayEquals(new float[] {0.5f, 1f, 0, 0, -0.5f, 1.5f, 0, 0}, tape.backward(loss).get(out).floats(), 1e-6f);
    }

    @Test
    void qSampleUsesTheLinearScheduleAndRejectsBadTimesteps() {
        EpsilonMseLoss loss = EpsilonMseLoss.dimba();
        Tensor x0 = Tensor.of(new float[] {1}, 1, 1, 1, 1), noise = Tensor.of(new float[] {0}, 1, 1, 1, 1);
        // abar_0 = 1 - 1e-4: x_t = sqrt(1 - 1e-4) x0
        assertEquals((float) Math.sqrt(1 - 1e-4), loss.qSample(ref, x0, new int[] {0}, noise).getFlat(0), 1e-7);
        assertThrows(IllegalArgumentException.class, () -> loss.qSample(ref, x0, new int[] {1000}, noise));
        assertThrows(IllegalArgumentException.class, () -> loss.qSample(ref, x0, new int[] {1, 2}, noise));
    }

    @Test
    void parametersReplaceByNameAndCheckShapes() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", Tensor.zeros(2));
        m.put("b", Tensor.zeros(3));
        Parameters p = Parameters.of(m, "test set");
        Tensor newA = Tensor.of(new float[] {1, 2}, 2);
        Parameters q = p.with(Map.of("a", newA));
        assertSame(newA, q.get("a"));
        assertSame(m.get("b"), q.get("b"));
        assertSame(m.get("a"), p.get("a"), "the old set is unchanged");
        var e = assertThrows(IllegalArgumentException.class, () -> p.with(Map.of("b", Tensor.zeros(4))));
        assertTrue(e.getMessage().contains("tensor b has shape [3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.get("c"));
        assertTrue(e.getMessage().contains("test set: no tensor named c"), e.getMessage());
    }
}
