package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.assertClose;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The CPU activation and softmax backward against the reference: sizes below, at and far above a vector and the
 * parallel split, values over (-10, 10) plus the kinks and thresholds (0, -0, softplus's 20, +-100). Within
 * 2e-6 absolute + 1e-5 relative (the f32 polynomial exp/erf against the reference's double).
 */
class ActivationBackwardParityTest {
    private static final float[] SPECIAL = {0f, -0f, 1e-30f, -1e-30f, 19.99f, 20f, 20.01f, 25f, -25f, 100f, -100f, 1e-4f};

    private static Tensor inputs(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i % 13 == 5 ? SPECIAL[(i / 13) % SPECIAL.length] : -10 + 20 * r.nextFloat();
        return Tensor.of(x, n);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 7, 16, 67, 4097, 100_003})
    void activations(int n) {
        Random r = new Random(n);
        Tensor x = inputs(r, n), dy = rand(r, n);
        assertClose("silu'", REF.siluBackward(x, dy), CPU.siluBackward(x, dy), 2e-6, 1e-5);
        assertClose("geluTanh'", REF.geluTanhBackward(x, dy), CPU.geluTanhBackward(x, dy), 2e-6, 1e-5);
        assertClose("geluErf'", REF.geluErfBackward(x, dy), CPU.geluErfBackward(x, dy), 2e-6, 1e-5);
        assertClose("relu'", REF.reluBackward(x, dy), CPU.reluBackward(x, dy), 0, 0);
        assertClose("softplus'", REF.softplusBackward(x, dy), CPU.softplusBackward(x, dy), 2e-6, 1e-5);
    }

    @ParameterizedTest(name = "rows={0} c={1}")
    @CsvSource({"1,1", "3,7", "5,16", "17,1000", "300,77"})
    void softmax(int rows, int c) {
        Random r = new Random(rows * 31L + c);
        Tensor y = CPU.softmax(Parity.uniform(r, -6, 6, rows, c)), dy = rand(r, rows, c);
        assertClose("softmax'", REF.softmaxBackward(y, dy), CPU.softmaxBackward(y, dy), 2e-6, 1e-5);
    }

    @Test
    void rejectsAGradientOfTheWrongShape() {
        Tensor x = Tensor.zeros(3, 4), bad = Tensor.zeros(4, 3);
        assertThrows(IllegalArgumentException.class, () -> CPU.siluBackward(x, bad));
        assertThrows(IllegalArgumentException.class, () -> CPU.geluTanhBackward(x, bad));
        assertThrows(IllegalArgumentException.class, () -> CPU.softmaxBackward(x, bad));
    }
}
