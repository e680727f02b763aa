package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.asSegment;
import static org.dimba4j.kernels.cpu.Parity.assertClose;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.dimba4j.kernels.cpu.Parity.uniform;

/** The vectorised selective scan against the reference, with and without each optional input. */
class SelectiveScanParityTest {

    @ParameterizedTest(name = "b={0} l={1} e={2} n={3}")
    @CsvSource({"1,1,1,1", "1,7,7,16", "2,33,33,16", "1,1000,20,16", "2,17,48,4", "1,64,130,16", "1,5,16,7"})
    void everyOptionCombination(int b, int l, int e, int n) {
        Random r = new Random(b + l * 7L + e * 11L + n);
        Tensor u = rand(r, b, l, e), rawDelta = rand(r, b, l, e), smallDelta = uniform(r, 0.001f, 0.2f, b, l, e);
        float[] aLog = uniform(r, 0f, 2.8f, e, n).toFloatArray();
        for (int i = 0; i < aLog.length; i++) aLog[i] = (float) -Math.exp(aLog[i]);
        Tensor a = Tensor.of(aLog, e, n);
        Tensor bb = rand(r, b, l, n), cc = rand(r, b, l, n), d = rand(r, e), z = rand(r, b, l, e), bias = rand(r, e);
        for (int opt = 0; opt < 8; opt++) {
            boolean useD = (opt & 1) != 0, useZ = (opt & 2) != 0, softplus = (opt & 4) != 0;
            Tensor delta = softplus ? rawDelta : smallDelta;
            Tensor db = softplus ? bias : null;
            String what = "scan D=" + useD + " z=" + useZ + " softplus=" + softplus;
            assertClose(what, REF.selectiveScan(u, delta, a, bb, cc, useD ? d : null, useZ ? z : null, db, softplus),
                    CPU.selectiveScan(u, delta, a, bb, cc, useD ? d : null, useZ ? z : null, db, softplus), 2e-5, 2e-4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"F16", "BF16"})
    void halfPrecisionParameters(DType dt) {
        Random r = new Random(9);
        int b = 1, l = 21, e = 24, n = 16;
        Tensor u = rand(r, b, l, e), delta = rand(r, b, l, e), bb = rand(r, b, l, n), cc = rand(r, b, l, n);
        float[] aLog = uniform(r, 0f, 2.8f, e, n).toFloatArray();
        for (int i = 0; i < aLog.length; i++) aLog[i] = (float) -Math.exp(aLog[i]);
        Tensor a = asSegment(Tensor.of(aLog, e, n), dt), d = asSegment(rand(r, e), dt), bias = asSegment(rand(r, e), dt);
        assertClose("scan " + dt, REF.selectiveScan(u, delta, a, bb, cc, d, null, bias, true),
                CPU.selectiveScan(u, delta, a, bb, cc, d, null, bias, true), 2e-5, 2e-4);
    }
}
