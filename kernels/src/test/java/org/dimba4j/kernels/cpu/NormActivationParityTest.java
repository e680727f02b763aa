package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.asSegment;
import static org.dimba4j.kernels.cpu.Parity.assertClose;
import static org.dimba4j.kernels.cpu.Parity.rand;

/** Norms, softmax and activations against the reference (f32 rounding tolerances). */
class NormActivationParityTest {

    @ParameterizedTest(name = "rows={0} c={1}")
    @CsvSource({"1,1", "3,7", "5,33", "2,1000", "4,1152", "1,16", "9,48"})
    void normsAndSoftmax(int rows, int c) {
        Random r = new Random(rows * 7L + c);
        Tensor x = rand(r, rows, c), w = rand(r, c), b = rand(r, c);
        Tensor shifted = CPU.affine(x, 3f, 5f);
        assertClose("layerNorm", REF.layerNorm(shifted, w, b, 1e-6f), CPU.layerNorm(shifted, w, b, 1e-6f), 1e-4, 1e-4);
        assertClose("layerNorm no affine", REF.layerNorm(x, null, null, 1e-5f), CPU.layerNorm(x, null, null, 1e-5f), 1e-4, 1e-4);
        Tensor wh = asSegment(w, DType.BF16), bh = asSegment(b, DType.F16);
        assertClose("layerNorm half affine", REF.layerNorm(x, wh, bh, 1e-6f), CPU.layerNorm(x, wh, bh, 1e-6f), 1e-4, 1e-4);
        assertClose("rmsNorm", REF.rmsNorm(x, w, 1e-5f), CPU.rmsNorm(x, w, 1e-5f), 1e-5, 1e-4);
        assertClose("rmsNorm bf16 weight", REF.rmsNorm(x, wh, 1e-6f), CPU.rmsNorm(x, wh, 1e-6f), 1e-5, 1e-4);
        assertClose("rmsNorm no weight", REF.rmsNorm(x, null, 1e-6f), CPU.rmsNorm(x, null, 1e-6f), 1e-5, 1e-4);
        Tensor big = CPU.affine(x, 30f, 0f);
        assertClose("softmax", REF.softmax(big), CPU.softmax(big), 1e-6, 1e-4);
    }

    @ParameterizedTest(name = "n={0} c={1} spatial={2} groups={3}")
    @CsvSource({"1,4,1,1", "2,6,7,3", "1,32,33,32", "2,64,64,32", "1,8,1000,2"})
    void groupNorm(int n, int c, int spatial, int groups) {
        Random r = new Random(n + c * 3L + spatial * 5L + groups);
        Tensor x = CPU.affine(rand(r, n, c, spatial), 2f, 1f), w = rand(r, c), b = rand(r, c);
        assertClose("groupNorm", REF.groupNorm(x, groups, w, b, 1e-6f), CPU.groupNorm(x, groups, w, b, 1e-6f), 1e-4, 1e-4);
        assertClose("groupNorm no affine", REF.groupNorm(x, groups, null, null, 1e-5f), CPU.groupNorm(x, groups, null, null, 1e-5f), 1e-4, 1e-4);
        Tensor x4 = x.reshape(n, c, 1, spatial);
        assertClose("groupNorm 4-D", REF.groupNorm(x4, groups, w, b, 1e-6f), CPU.groupNorm(x4, groups, w, b, 1e-6f), 1e-4, 1e-4);
    }

    @Test
    void activationsOverAWideRange() {
        // covers the polynomial exp's range reduction, clamping and the softplus threshold
        int n = 4099;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = -100f + 200f * i / (n - 1);
        v[0] = -1000f;
        v[n - 1] = 1000f;
        Tensor x = Tensor.of(v, n), small = CPU.affine(x, 0.05f, 0f);
        for (Tensor t : new Tensor[] {x, small, rand(new Random(10), 3, 1001)}) {
            assertClose("silu", REF.silu(t), CPU.silu(t), 1e-6, 1e-5);
            assertClose("geluTanh", REF.geluTanh(t), CPU.geluTanh(t), 1e-6, 1e-5);
            assertClose("geluErf", REF.geluErf(t), CPU.geluErf(t), 1e-6, 1e-5);
            assertClose("relu", REF.relu(t), CPU.relu(t), 0, 0);
            assertClose("softplus", REF.softplus(t), CPU.softplus(t), 1e-6, 1e-5);
            Tensor up = REF.affine(t, -0.5f, 1f);
            assertClose("gatedGelu", REF.gatedGelu(t, up), CPU.gatedGelu(t, up), 1e-6, 1e-5);
        }
        Tensor e = CPU.affine(x, 0.8f, 0f);
        assertClose("exp", REF.exp(e), CPU.exp(e), 1e-30, 2e-6);
        Tensor h = asSegment(small, DType.BF16);
        assertClose("silu of a bf16 input", REF.silu(h), CPU.silu(h), 1e-6, 1e-5);
    }

    @Test
    void sqrtIsCorrectlyRoundedLikeTheReference() {
        // IEEE sqrt is correctly rounded in f32, and rounding the double sqrt of an f32 to f32 gives the same bits
        int n = 1031;
        float[] v = new float[n];
        Random r = new Random(11);
        for (int i = 0; i < n; i++) v[i] = (float) Math.scalb(r.nextFloat(), r.nextInt(-40, 40));
        v[0] = 0f;
        v[1] = Float.MIN_VALUE;
        v[2] = Float.MAX_VALUE;
        Tensor x = Tensor.of(v, n);
        assertClose("sqrt", REF.sqrt(x), CPU.sqrt(x), 0, 0);
        assertTrue(Float.isNaN(CPU.sqrt(Tensor.of(new float[] {-1f}, 1)).getFlat(0)), "sqrt(-1) is NaN, as torch.sqrt");
    }
}
