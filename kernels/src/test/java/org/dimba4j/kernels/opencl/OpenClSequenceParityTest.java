package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.dimba4j.kernels.opencl.OpenClTestSupport.assertClose;
import static org.dimba4j.kernels.opencl.OpenClTestSupport.rand;

/** Selective scan, causal conv1d and conv2d on OpenCL vs the reference. */
class OpenClSequenceParityTest {
    /** Sums of up to ~600 f32 products (conv2d) and a 40-step f32 recurrence (scan) against double references. */
    static final double ATOL = 2e-4, RTOL = 2e-4;

    private final Backend ref = new ReferenceBackend();

    @Test
    void selectiveScanWithAndWithoutOptionalInputs() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(31);
        // {B, L, E, N}
        int[][] shapes = {{1, 1, 1, 1}, {2, 13, 7, 16}, {1, 40, 33, 5}, {3, 9, 64, 16}};
        for (int[] s : shapes) {
            int b = s[0], l = s[1], e = s[2], n = s[3];
            Tensor u = rand(r, b, l, e), delta = ref.scale(rand(r, b, l, e), 0.5f);
            Tensor a = ref.scale(ref.exp(rand(r, e, n)), -1f);
            Tensor bm = rand(r, b, l, n), cm = rand(r, b, l, n), d = rand(r, e), z = rand(r, b, l, e), db = rand(r, e);
            String what = "scan " + Arrays.toString(s);
            assertClose(what, ref.selectiveScan(u, delta, a, bm, cm, d, z, db, true),
                    cl.download(cl.selectiveScan(u, delta, a, bm, cm, d, z, db, true)), ATOL, RTOL);
            Tensor dpos = ref.softplus(delta);
            assertClose(what + " bare", ref.selectiveScan(u, dpos, a, bm, cm, null, null, null, false),
                    cl.download(cl.selectiveScan(u, dpos, a, bm, cm, null, null, null, false)), ATOL, RTOL);
        }
    }

    @Test
    void causalConv1d() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(32);
        int[][] shapes = {{1, 1, 1, 4}, {2, 17, 9, 4}, {1, 3, 5, 4}, {2, 10, 33, 2}};
        for (int[] s : shapes) {
            Tensor x = rand(r, s[0], s[1], s[2]), w = rand(r, s[2], 1, s[3]), b = rand(r, s[2]);
            assertClose("conv1d " + Arrays.toString(s), ref.causalConv1d(x, w, b), cl.download(cl.causalConv1d(x, w, b)), ATOL, RTOL);
            assertClose("conv1d no bias", ref.causalConv1d(x, w.reshape(s[2], s[3]), null),
                    cl.download(cl.causalConv1d(x, w.reshape(s[2], s[3]), null)), ATOL, RTOL);
        }
    }

    @Test
    void conv2dStridesPaddingGroups() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(33);
        // {N, C, H, W, O, k, stride, pad, groups}
        int[][] cases = {{1, 3, 9, 11, 5, 3, 1, 1, 1}, {2, 4, 8, 7, 6, 3, 2, 0, 2}, {1, 8, 5, 5, 8, 1, 1, 0, 1},
                {1, 6, 12, 10, 4, 2, 2, 0, 1}, {2, 4, 7, 9, 4, 3, 1, 1, 4}};
        for (int[] c : cases) {
            Tensor x = rand(r, c[0], c[1], c[2], c[3]), w = rand(r, c[4], c[1] / c[8], c[5], c[5]), b = rand(r, c[4]);
            assertClose("conv2d " + Arrays.toString(c), ref.conv2d(x, w, b, c[6], c[6], c[7], c[7], c[8]),
                    cl.download(cl.conv2d(x, w, b, c[6], c[6], c[7], c[7], c[8])), ATOL, RTOL);
        }
        Tensor x = rand(r, 1, 3, 6, 8), w = rand(r, 2, 3, 3, 1);
        assertClose("conv2d asymmetric", ref.conv2d(x, w, null, 2, 1, 1, 0, 1), cl.download(cl.conv2d(x, w, null, 2, 1, 1, 0, 1)), ATOL, RTOL);
    }
}
