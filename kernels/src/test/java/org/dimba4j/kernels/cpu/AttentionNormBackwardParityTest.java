package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.assertCloseRms;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The CPU attention and norm backward against the reference: the attention shape set of AttentionParityTest
 * (masks, shared and batched biases, fully masked entries, odd lengths and head sizes; queries split into ranges
 * whose dK, dV are summed, and not), and LayerNorm / RMSNorm with and without weight over odd and long rows.
 * f32 accumulation against the reference's double, compared relative to the RMS of each gradient: attention within
 * 3e-4 (dq) and 5e-4 (dk, dv), measured worst 8e-5 and 1.4e-4 (peaked softmax: scale 40, or bias with scale 1 over
 * 1000 keys); norms within 1e-4, measured worst 5e-5.
 */
class AttentionNormBackwardParityTest {

    private static Tensor mask(Random r, int b, int lk, boolean fullyMaskFirst) {
        long[] m = new long[b * lk];
        for (int i = 0; i < m.length; i++) m[i] = r.nextInt(4) == 0 ? 0 : 1;
        m[m.length - 1] = 1; // the last entry keeps a key
        if (fullyMaskFirst) for (int j = 0; j < lk; j++) m[j] = 0;
        return Tensor.ofLongs(m, b, lk);
    }

    private static AttentionGrads check(String what, Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor m, Tensor bias,
                                        Tensor dy) {
        AttentionGrads e = REF.attentionBackward(q, k, v, heads, scale, m, bias, REF.attention(q, k, v, heads, scale, m, bias), dy);
        AttentionGrads a = CPU.attentionBackward(q, k, v, heads, scale, m, bias, CPU.attention(q, k, v, heads, scale, m, bias), dy);
        assertCloseRms(what + " dq", e.dq(), a.dq(), 3e-4);
        assertCloseRms(what + " dk", e.dk(), a.dk(), 5e-4);
        assertCloseRms(what + " dv", e.dv(), a.dv(), 5e-4);
        return a;
    }

    @ParameterizedTest(name = "b={0} lq={1} lk={2} heads={3} d={4}")
    @CsvSource({"1,1,1,1,1", "1,7,7,1,7", "2,33,17,3,8", "1,5,300,2,72", "2,70,129,2,16", "1,130,40,4,33", "1,9,1000,1,64"})
    void attentionPlainMaskedAndBiased(int b, int lq, int lk, int heads, int d) {
        Random r = new Random(b * 1000L + lq * 31L + lk);
        Tensor q = rand(r, b, lq, heads * d), k = rand(r, b, lk, heads * d), v = rand(r, b, lk, heads * d);
        Tensor dy = rand(r, b, lq, heads * d);
        float scale = (float) (1 / Math.sqrt(d));
        check("plain", q, k, v, heads, scale, null, null, dy);
        Tensor m = mask(r, b, lk, false);
        check("masked", q, k, v, heads, scale, m, null, dy);
        check("bias", q, k, v, heads, 1f, null, rand(r, heads, lq, lk), dy);
        check("batched bias + mask", q, k, v, heads, scale, m, rand(r, b, heads, lq, lk), dy);
    }

    @Test
    void fullyMaskedEntryGivesZeroGradients() {
        Random r = new Random(5);
        int b = 2, lq = 9, lk = 11, heads = 2, d = 5, hd = heads * d;
        Tensor q = rand(r, b, lq, hd), k = rand(r, b, lk, hd), v = rand(r, b, lk, hd), dy = rand(r, b, lq, hd);
        AttentionGrads g = check("fully masked batch 0", q, k, v, heads, 0.3f, mask(r, b, lk, true), null, dy);
        float[] dq = g.dq().toFloatArray(), dk = g.dk().toFloatArray(), dv = g.dv().toFloatArray();
        for (int i = 0; i < lq * hd; i++) assertEquals(0f, dq[i], "batch 0 has no keys: dq is zero");
        for (int i = 0; i < lk * hd; i++) assertEquals(0f, dk[i] + Math.abs(dv[i]), "batch 0 has no keys: dk, dv are zero");
    }

    @Test
    void largeScoresDoNotOverflow() {
        Random r = new Random(6);
        Tensor q = rand(r, 1, 40, 32), k = rand(r, 1, 90, 32), v = rand(r, 1, 90, 32), dy = rand(r, 1, 40, 32);
        check("scale 40", q, k, v, 1, 40f, null, null, dy);
    }

    @ParameterizedTest(name = "rows={0} c={1}")
    @CsvSource({"1,1", "3,7", "17,64", "5,1152", "300,33", "2048,72"})
    void layerNormAndRmsNorm(int rows, int c) {
        Random r = new Random(rows * 7919L + c);
        Tensor x = Parity.uniform(r, -3, 5, rows, c), w = rand(r, c), dy = rand(r, rows, c);
        for (Tensor weight : new Tensor[] {w, null}) {
            String what = (weight == null ? "no weight " : "weight ") + rows + "x" + c;
            NormGrads e = REF.layerNormBackward(x, weight, 1e-5f, dy), a = CPU.layerNormBackward(x, weight, 1e-5f, dy);
            assertCloseRms("layerNorm dx, " + what, e.dx(), a.dx(), 1e-4);
            NormGrads er = REF.rmsNormBackward(x, weight, 1e-6f, dy), ar = CPU.rmsNormBackward(x, weight, 1e-6f, dy);
            assertCloseRms("rmsNorm dx, " + what, er.dx(), ar.dx(), 1e-4);
            assertNull(ar.dBias(), "RMSNorm has no bias");
            if (weight == null) {
                assertNull(a.dWeight());
                assertNull(a.dBias());
                assertNull(ar.dWeight());
                continue;
            }
            assertCloseRms("layerNorm dweight, " + what, e.dWeight(), a.dWeight(), 1e-4);
            assertCloseRms("layerNorm dbias, " + what, e.dBias(), a.dBias(), 1e-4);
            assertCloseRms("rmsNorm dweight, " + what, er.dWeight(), ar.dWeight(), 1e-4);
        }
    }

    @Test
    void rejectsWhatTheReferenceRejects() {
        Tensor q = Tensor.zeros(1, 3, 4), k = Tensor.zeros(1, 5, 4);
        assertThrows(IllegalArgumentException.class, () -> CPU.attentionBackward(q, k, k, 2, 1f, null, null, q, k));
        assertThrows(IllegalArgumentException.class, () -> CPU.attentionBackward(q, k, k, 2, 1f, null, null, k, q));
        Tensor x = Tensor.zeros(2, 5);
        assertThrows(IllegalArgumentException.class, () -> CPU.layerNormBackward(x, Tensor.zeros(4), 1e-5f, x));
        assertThrows(IllegalArgumentException.class, () -> CPU.rmsNormBackward(x, null, 1e-5f, Tensor.zeros(5, 2)));
    }
}
