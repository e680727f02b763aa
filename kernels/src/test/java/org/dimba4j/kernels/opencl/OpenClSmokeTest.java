package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

class OpenClSmokeTest {
    @Test
    void matmulMatchesReference() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(1);
        Tensor a = OpenClTestSupport.rand(r, 2, 17, 33), b = OpenClTestSupport.rand(r, 2, 33, 19);
        long t0 = System.nanoTime();
        Tensor got = cl.download(cl.matmul(a, b, false, false));
        System.err.println("first op ms " + (System.nanoTime() - t0) / 1e6 + " " + cl.transfers());
        OpenClTestSupport.assertClose("matmul", new ReferenceBackend().matmul(a, b, false, false), got, 1e-4, 1e-4);
    }
}
