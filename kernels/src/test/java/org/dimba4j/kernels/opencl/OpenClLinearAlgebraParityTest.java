package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.dimba4j.kernels.opencl.OpenClTestSupport.assertClose;
import static org.dimba4j.kernels.opencl.OpenClTestSupport.rand;

/** Matmul, linear and attention on OpenCL against the scalar reference, on odd shapes that straddle the tiles. */
class OpenClLinearAlgebraParityTest {
    /** f32 accumulation over K &lt;= ~100 terms of N(0,1) products against a double reference. */
    static final double ATOL = 2e-4, RTOL = 1e-4;

    private final Backend ref = new ReferenceBackend();

    @Test
    void matmulAllTransposeCombinationsBatchedAndShared() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(11);
        int[][] mkn = {{1, 1, 1}, {17, 33, 19}, {16, 16, 16}, {5, 70, 3}, {40, 9, 37}};
        for (int[] s : mkn) {
            int m = s[0], k = s[1], n = s[2];
            for (int ta = 0; ta < 2; ta++) {
                for (int tb = 0; tb < 2; tb++) {
                    boolean transA = ta == 1, transB = tb == 1;
                    Tensor a = rand(r, 3, transA ? k : m, transA ? m : k);
                    Tensor b = rand(r, 3, transB ? n : k, transB ? k : n);
                    String what = "matmul m" + m + " k" + k + " n" + n + " tA" + transA + " tB" + transB;
                    assertClose(what, ref.matmul(a, b, transA, transB), cl.download(cl.matmul(a, b, transA, transB)), ATOL, RTOL);
                    Tensor b2 = rand(r, transB ? n : k, transB ? k : n);
                    assertClose(what + " shared", ref.matmul(a, b2, transA, transB), cl.download(cl.matmul(a, b2, transA, transB)), ATOL, RTOL);
                }
            }
        }
        Tensor a4 = rand(r, 2, 3, 7, 5), b4 = rand(r, 2, 3, 5, 9);
        assertClose("matmul 4-D", ref.matmul(a4, b4, false, false), cl.download(cl.matmul(cl.upload(a4), cl.upload(b4), false, false)), ATOL, RTOL);
    }

    @Test
    void linearWithAndWithoutBias() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(12);
        int[][] shapes = {{1, 1, 1, 1}, {2, 13, 31, 23}, {1, 50, 64, 48}, {3, 5, 7, 129}};
        for (int[] s : shapes) {
            Tensor x = rand(r, s[0], s[1], s[2]), w = rand(r, s[3], s[2]), bias = rand(r, s[3]);
            assertClose("linear " + java.util.Arrays.toString(s), ref.linear(x, w, bias), cl.download(cl.linear(x, w, bias)), ATOL, RTOL);
            assertClose("linear no bias", ref.linear(x, w, null), cl.download(cl.linear(cl.upload(x), w, null)), ATOL, RTOL);
        }
    }

    @Test
    void halfAndBfloatWeightSegmentsAreWidenedOnceAndCached() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(13);
        Tensor x = rand(r, 2, 9, 21);
        for (DType dt : new DType[] {DType.F16, DType.BF16, DType.F32}) {
            Tensor w = segment(rand(r, 11, 21), dt);
            Tensor expected = ref.linear(x, w, null);
            Tensor xd = cl.upload(x);
            cl.resetTransfers();
            assertClose("linear " + dt, expected, cl.download(cl.linear(xd, w, null)), ATOL, RTOL);
            assertClose("linear " + dt + " again", expected, cl.download(cl.linear(xd, w, null)), ATOL, RTOL);
            TransferStats t = cl.transfers();
            org.junit.jupiter.api.Assertions.assertEquals(1, t.uploads(), dt + ": the weight is uploaded once: " + t);
            org.junit.jupiter.api.Assertions.assertEquals(2, t.downloads(), dt + ": " + t);
        }
    }

    @Test
    void attentionWithMaskAndBias() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(14);
        // {B, Lq, Lk, H, D}
        int[][] shapes = {{1, 1, 1, 1, 1}, {2, 17, 33, 3, 8}, {1, 40, 7, 2, 72}, {2, 5, 16, 4, 16}, {1, 3, 50, 1, 128}};
        for (int[] s : shapes) {
            int b = s[0], lq = s[1], lk = s[2], h = s[3], d = s[4];
            Tensor q = rand(r, b, lq, h * d), k = rand(r, b, lk, h * d), v = rand(r, b, lk, h * d);
            float scale = (float) (1 / Math.sqrt(d));
            String what = "attention " + java.util.Arrays.toString(s);
            assertClose(what, ref.attention(q, k, v, h, scale, null, null), cl.download(cl.attention(q, k, v, h, scale, null, null)), ATOL, RTOL);
            long[] mask = new long[b * lk];
            for (int i = 0; i < mask.length; i++) mask[i] = r.nextInt(4) == 0 ? 0 : 1;
            if (b > 1) java.util.Arrays.fill(mask, lk, 2 * lk, 0); // a fully masked sample gives zeros
            Tensor m = Tensor.ofLongs(mask, b, lk);
            Tensor bias = rand(r, h, lq, lk), bbias = rand(r, b, h, lq, lk);
            assertClose(what + " mask+bias", ref.attention(q, k, v, h, scale, m, bias), cl.download(cl.attention(q, k, v, h, scale, m, bias)), ATOL, RTOL);
            assertClose(what + " batched bias", ref.attention(q, k, v, h, 1f, null, bbias), cl.download(cl.attention(q, k, v, h, 1f, null, bbias)), ATOL, RTOL);
        }
    }

    static Tensor segment(Tensor t, DType dt) {
        float[] v = t.toFloatArray();
        MemorySegment seg = Arena.ofAuto().allocate((long) v.length * dt.byteSize(), 8);
        ValueLayout.OfShort s16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            switch (dt) {
                case F16 -> seg.setAtIndex(s16, i, Float.floatToFloat16(v[i]));
                case BF16 -> seg.setAtIndex(s16, i, (short) (Float.floatToIntBits(v[i]) >>> 16));
                default -> seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, v[i]);
            }
        }
        return Tensor.ofSegment(seg, dt, t.shape());
    }
}
