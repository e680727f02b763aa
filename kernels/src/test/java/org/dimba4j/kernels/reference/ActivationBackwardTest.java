package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.dimba4j.kernels.reference.GradCheck.assertClose;
import static org.dimba4j.kernels.reference.GradCheck.assertGradient;
import static org.dimba4j.kernels.reference.GradCheck.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Activation and embedding backward: central differences (step 1e-3, tolerance 1e-3 absolute + 1e-3 relative) away
 * from the kinks, PyTorch's conventions at them (relu' = 0 at 0, softplus' = 1 above 20), and the scatter-add of
 * repeated embedding ids.
 */
class ActivationBackwardTest {
    private static final ReferenceBackend REF = new ReferenceBackend();
    private static final double H = 1e-3, ATOL = 1e-3, RTOL = 1e-3;

    /** Values in (-6, 6) at least 0.05 from 0 (where relu has its kink), odd count. */
    private static Tensor awayFromZero(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double v = r.nextDouble() * 5.95 + 0.05;
            x[i] = (float) (r.nextBoolean() ? v : -v);
        }
        return Tensor.of(x, n);
    }

    private static void check(String what, Function<Tensor, Tensor> forward, BiFunction<Tensor, Tensor, Tensor> backward) {
        Random r = new Random(what.hashCode());
        Tensor x = awayFromZero(r, 41).reshape(1, 41), dy = GradCheck.randn(r, 1, 1, 41);
        assertGradient(what, x, forward, dy, backward.apply(x, dy), H, ATOL, RTOL);
    }

    @Test
    void smoothActivationsMatchCentralDifferences() {
        check("silu", REF::silu, REF::siluBackward);
        check("geluTanh", REF::geluTanh, REF::geluTanhBackward);
        check("geluErf", REF::geluErf, REF::geluErfBackward);
        check("softplus", REF::softplus, REF::softplusBackward);
        check("relu", REF::relu, REF::reluBackward);
    }

    @Test
    void conventionsAtTheKinks() {
        Tensor x = Tensor.of(new float[] {0f, -0f, 1e-30f, -1e-30f, 20f, 20.5f, 100f, -100f}, 8);
        Tensor ones = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, 8);
        assertArrayEquals(new float[] {0, 0, 1, 0, 1, 1, 1, 0}, REF.reluBackward(x, ones).toFloatArray(), "relu' is 0 at 0");
        float s20 = (float) (1 / (1 + Math.exp(-20)));
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, s20, 1, 1, 0}, REF.softplusBackward(x, ones).toFloatArray(), 1e-7f,
                "softplus' = sigmoid below the threshold, 1 above");
        // closed forms at 0: silu'(0) = 1/2, gelu'(0) = 1/2 (both GELUs)
        Tensor zero = Tensor.of(new float[] {0f}, 1), one = Tensor.of(new float[] {1f}, 1);
        assertArrayEquals(new float[] {0.5f}, REF.siluBackward(zero, one).toFloatArray());
        assertArrayEquals(new float[] {0.5f}, REF.geluTanhBackward(zero, one).toFloatArray());
        assertArrayEquals(new float[] {0.5f}, REF.geluErfBackward(zero, one).toFloatArray());
    }

    @Test
    void embeddingScatterAddsRepeatedIds() {
        Tensor ids = Tensor.ofLongs(new long[] {2, 0, 2, 2}, 2, 2);
        Tensor dOut = Tensor.of(new float[] {1, 2, 10, 20, 100, 200, 1000, 2000}, 2, 2, 2);
        Tensor dTable = REF.embeddingBackward(ids, dOut, 4);
        assertArrayEquals(new int[] {4, 2}, dTable.shape());
        assertArrayEquals(new float[] {10, 20, 0, 0, 1101, 2202, 0, 0}, dTable.toFloatArray());

        Random r = new Random(21);
        Tensor table = GradCheck.randn(r, 1, 7, 3), ids2 = Tensor.ofLongs(new long[] {6, 1, 1, 4, 6, 0}, 6);
        Tensor dy = GradCheck.randn(r, 1, 6, 3);
        assertGradient("embedding", table, t -> REF.embedding(t, ids2), dy, REF.embeddingBackward(ids2, dy, 7), H, ATOL, RTOL);
        assertClose("embedding (I32 ids)", REF.embeddingBackward(ids2, dy, 7), REF.embeddingBackward(i32(6, 1, 1, 4, 6, 0), dy, 7), 0, 0);
    }

    private static Tensor i32(int... v) {
        var seg = java.lang.foreign.Arena.ofAuto().allocate(4L * v.length, 4);
        for (int i = 0; i < v.length; i++) seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), i, v[i]);
        return Tensor.ofSegment(seg, org.dimba4j.kernels.DType.I32, v.length);
    }

    @Test
    void rejectsBadShapesAndIds() {
        Tensor x = Tensor.zeros(3, 4);
        assertRejects("siluBackward", () -> REF.siluBackward(x, Tensor.zeros(4, 3)), "[3, 4]", "[4, 3]");
        assertRejects("geluTanhBackward", () -> REF.geluTanhBackward(x, Tensor.zeros(12)), "[3, 4]", "[12]");
        assertRejects("geluErfBackward", () -> REF.geluErfBackward(x, Tensor.zeros(3, 5)), "[3, 5]");
        assertRejects("reluBackward", () -> REF.reluBackward(x, Tensor.zeros(1, 3, 4)), "[1, 3, 4]");
        assertRejects("softplusBackward", () -> REF.softplusBackward(x, Tensor.zeros(3)), "[3]");
        Tensor ids = Tensor.ofLongs(new long[] {0, 5}, 2);
        assertRejects("embeddingBackward", () -> REF.embeddingBackward(ids, Tensor.zeros(3, 4), 6), "[2, 4]", "[3, 4]");
        assertRejects("embeddingBackward", () -> REF.embeddingBackward(ids, Tensor.zeros(2, 4), 5), "id 5", "5");
    }
}
