package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.dimba4j.kernels.grad.ScanGrads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.dimba4j.kernels.opencl.OpenClTestSupport.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backward kernels sum in a fixed order (no atomics), so a second run, at other arena offsets, gives the same bits;
 * blocked weight gradients keep their partial sums bounded; and unsupported or inconsistent arguments fail with
 * messages naming the op and the limit.
 */
class OpenClBackwardDeterminismTest {
    private static List<float[]> attentionScanNormConv(OpenClBackend cl, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        Tensor q = rand(r, 2, 37, 3 * 24), k = rand(r, 2, 29, 3 * 24), v = rand(r, 2, 29, 3 * 24), dO = rand(r, 2, 37, 3 * 24);
        Tensor o = cl.attention(q, k, v, 3, 0.2f, null, null);
        AttentionGrads ag = cl.attentionBackward(q, k, v, 3, 0.2f, null, null, o, dO);
        Tensor u = rand(r, 3, 50, 40), delta = rand(r, 3, 50, 40), a = cl.download(cl.scale(cl.exp(rand(r, 40, 16)), -1f));
        Tensor bm = rand(r, 3, 50, 16), cm = rand(r, 3, 50, 16), d = rand(r, 40), z = rand(r, 3, 50, 40), db = rand(r, 40);
        ScanGrads sg = cl.selectiveScanBackward(u, delta, a, bm, cm, d, z, db, true, rand(r, 3, 50, 40));
        Tensor x = rand(r, 300, 129), w = rand(r, 129);
        NormGrads ng = cl.layerNormBackward(x, w, 1e-6f, rand(r, 300, 129));
        Tensor img = rand(r, 2, 4, 16, 16), wi = rand(r, 8, 4, 2, 2);
        ConvGrads cg = cl.conv2dBackward(img, wi, rand(r, 2, 8, 8, 8), true, 2, 2, 0, 0, 1);
        for (Tensor t : new Tensor[] {ag.dq(), ag.dk(), ag.dv(), sg.du(), sg.dDelta(), sg.dA(), sg.dB(), sg.dC(), sg.dD(),
                sg.dZ(), sg.dDeltaBias(), ng.dx(), ng.dWeight(), ng.dBias(), cg.dx(), cg.dWeight(), cg.dBias()}) {
            out.add(cl.download(t).toFloatArray());
        }
        return out;
    }

    @Test
    void secondRunAtOtherOffsetsGivesTheSameBits() {
        OpenClBackend cl = OpenClTestSupport.backend();
        List<float[]> first = attentionScanNormConv(cl, 7);
        Tensor shift = cl.full(1f, 12_345); // moves the second run's buffers to other arena offsets
        List<float[]> second = attentionScanNormConv(cl, 7);
        for (int i = 0; i < first.size(); i++) assertArrayEquals(first.get(i), second.get(i), "gradient " + i + " differs between runs");
        assertTrue(shift.numel() > 0);
    }

    @Test
    void blockedWeightGradientsKeepTheirPartialsBounded() {
        assertEquals(64, BackwardOps.rowsPerBlock(4096, 64, 1152), "Dimba-L rows: blocks of the wanted size");
        assertEquals(1, BackwardOps.blocks(3, BackwardOps.rowsPerBlock(3, 64, 1152)), "few rows: one block");
        int vaeRows = 2 * 256; // a 512-channel 3x3 conv over two 256-row images: 2.4M weights
        int perBlock = 512 * 512 * 9 + 512;
        int rows = BackwardOps.rowsPerBlock(vaeRows, 1, perBlock);
        assertTrue((long) BackwardOps.blocks(vaeRows, rows) * perBlock <= BackwardOps.MAX_PARTIALS + perBlock,
                "partials stay within the scratch budget: " + rows + " rows per block");
        assertEquals(1, BackwardOps.blocks(0, BackwardOps.rowsPerBlock(0, 64, 10)), "no rows: one block of zeros");
    }

    @Test
    void unsupportedOrInconsistentArgumentsAreRejected() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(8);
        Tensor q = rand(r, 1, 2, 129), dq = rand(r, 1, 2, 129);
        var wide = assertThrows(IllegalArgumentException.class, () -> cl.attentionBackward(q, q, q, 1, 1f, null, null, q, dq));
        assertTrue(wide.getMessage().contains("head dim 129"), wide.getMessage());
        Tensor q2 = rand(r, 1, 2, 8);
        assertThrows(IllegalArgumentException.class, () -> cl.attentionBackward(q2, q2, q2, 2, 1f, null, null, q2, rand(r, 1, 3, 8)));
        Tensor u = rand(r, 1, 3, 2), a = rand(r, 2, 65), bm = rand(r, 1, 3, 65);
        var state = assertThrows(IllegalArgumentException.class,
                () -> cl.selectiveScanBackward(u, u, a, bm, bm, null, null, null, false, u));
        assertTrue(state.getMessage().contains("state size 65"), state.getMessage());
        Tensor x = rand(r, 4, 6);
        assertThrows(IllegalArgumentException.class, () -> cl.layerNormBackward(x, rand(r, 5), 1e-5f, x));
        assertThrows(IllegalArgumentException.class, () -> cl.rmsNormBackward(x, null, 1e-5f, rand(r, 6, 4)));
        assertThrows(IllegalArgumentException.class, () -> cl.softmaxBackward(x, rand(r, 4, 5)));
        assertThrows(IllegalArgumentException.class, () -> cl.causalConv1dBackward(rand(r, 1, 3, 2), rand(r, 2, 4), rand(r, 1, 3, 3), true));
        Tensor deviceIds = cl.upload(Tensor.of(new float[] {0, 1}, 2));
        var ids = assertThrows(IllegalArgumentException.class, () -> cl.embeddingBackward(deviceIds, rand(r, 2, 3), 4));
        assertTrue(ids.getMessage().contains("host"), ids.getMessage());
    }
}
