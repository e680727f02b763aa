package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.assertClose;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tiled attention against the reference: masks, biases, fully masked rows, odd lengths and head sizes. */
class AttentionParityTest {

    private static Tensor mask(Random r, int b, int lk, boolean fullyMaskFirst) {
        long[] m = new long[b * lk];
        for (int i = 0; i < m.length; i++) m[i] = r.nextInt(4) == 0 ? 0 : 1;
        if (fullyMaskFirst) for (int j = 0; j < lk; j++) m[j] = 0;
        return Tensor.ofLongs(m, b, lk);
    }

    @ParameterizedTest(name = "b={0} lq={1} lk={2} heads={3} d={4}")
    @CsvSource({"1,1,1,1,1", "1,7,7,1,7", "2,33,17,3,8", "1,5,300,2,72", "2,70,129,2,16", "1,130,40,4,33", "1,1,1000,1,64"})
    void plainMaskedAndBiased(int b, int lq, int lk, int heads, int d) {
        Random r = new Random(b * 1000L + lq * 31L + lk);
        Tensor q = rand(r, b, lq, heads * d), k = rand(r, b, lk, heads * d), v = rand(r, b, lk, heads * d);
        float scale = (float) (1 / Math.sqrt(d));
        assertClose("plain", REF.attention(q, k, v, heads, scale, null, null), CPU.attention(q, k, v, heads, scale, null, null), 1e-5, 1e-4);
        Tensor m = mask(r, b, lk, false);
        assertClose("masked", REF.attention(q, k, v, heads, scale, m, null), CPU.attention(q, k, v, heads, scale, m, null), 1e-5, 1e-4);
        Tensor bias = rand(r, heads, lq, lk);
        assertClose("bias", REF.attention(q, k, v, heads, 1f, null, bias), CPU.attention(q, k, v, heads, 1f, null, bias), 1e-5, 1e-4);
        Tensor bbias = rand(r, b, heads, lq, lk);
        assertClose("batched bias + mask", REF.attention(q, k, v, heads, scale, m, bbias),
                CPU.attention(q, k, v, heads, scale, m, bbias), 1e-5, 1e-4);
    }

    @Test
    void fullyMaskedRowsGiveZeros() {
        Random r = new Random(5);
        int b = 2, lq = 9, lk = 11, heads = 2, d = 5;
        Tensor q = rand(r, b, lq, heads * d), k = rand(r, b, lk, heads * d), v = rand(r, b, lk, heads * d);
        Tensor m = mask(r, b, lk, true);
        Tensor got = CPU.attention(q, k, v, heads, 0.3f, m, null);
        assertClose("fully masked batch", REF.attention(q, k, v, heads, 0.3f, m, null), got, 1e-5, 1e-4);
        float[] o = got.toFloatArray();
        for (int i = 0; i < lq * heads * d; i++) assertEquals(0f, o[i], "batch 0 has no keys: zeros");
    }

    @Test
    void largeScoresDoNotOverflow() {
        // online softmax must subtract the running max: scores of several hundred would overflow exp
        Random r = new Random(6);
        Tensor q = rand(r, 1, 40, 32), k = rand(r, 1, 90, 32), v = rand(r, 1, 90, 32);
        assertClose("scale 40", REF.attention(q, k, v, 1, 40f, null, null), CPU.attention(q, k, v, 1, 40f, null, null), 1e-4, 1e-3);
    }
}
