package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.kernels.opencl.OpenClTestSupport.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chain of backward ops (conv1d, selective scan, SiLU, attention, LayerNorm, RMSNorm, softmax, conv2d, embedding),
 * each fed the previous one's device result, moves nothing between host and device except the embedding's position
 * index (built on the host from its host ids), and ends equal to the reference backend's chain.
 */
class OpenClBackwardResidencyTest {
    /** About ten chained f32 backward ops against the double-accumulating reference. */
    static final double ATOL = 1e-3, RTOL = 1e-3;
    static final int B = 2, L = 12, H = 2, D = 8, C = H * D, N = 8;

    /** The chain; {@code in} are its inputs in the backend's memory, {@code ids} a host tensor. */
    static Tensor chain(Backend be, Tensor[] in, Tensor ids) {
        Tensor x = in[0], lnW = in[1], k = in[2], v = in[3], mask = in[4], convW = in[5], delta = in[6], a = in[7];
        Tensor bm = in[8], cm = in[9], dSkip = in[10], z = in[11], dtBias = in[12], dOut = in[13], imgW = in[14];
        // the forward values the backward needs, as a training step would have kept them
        Tensor h = be.layerNorm(x, lnW, null, 1e-5f);
        Tensor att = be.attention(h, k, v, H, 0.35f, mask, null);
        Tensor act = be.silu(att);
        Tensor conv = be.causalConv1d(act, convW, null);
        Tensor g = be.selectiveScanBackward(conv, delta, a, bm, cm, dSkip, z, dtBias, true, dOut).du();
        g = be.causalConv1dBackward(act, convW, g, false).dx();
        g = be.siluBackward(att, g);
        g = be.attentionBackward(h, k, v, H, 0.35f, mask, null, att, g).dq();
        g = be.layerNormBackward(x, lnW, 1e-5f, g).dx();
        g = be.rmsNormBackward(x, lnW, 1e-5f, g).dx();
        g = be.softmaxBackward(be.softmax(x), g);
        g = be.conv2dBackward(g.reshape(B, C, 3, 4), imgW, be.affine(g, 0.5f, 0f).reshape(B, C, 3, 4), false, 1, 1, 0, 0, 1).dx();
        return be.embeddingBackward(ids, g.reshape(B, L, C), 5);
    }

    @Test
    void backwardChainStaysOnDeviceAndMatchesReference() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Backend ref = new ReferenceBackend();
        Random r = new Random(101);
        float[] m = new float[B * L];
        for (int i = 0; i < m.length; i++) m[i] = i % 5 == 3 ? 0f : 1f;
        Tensor[] host = {rand(r, B, L, C), rand(r, C), rand(r, B, L, C), rand(r, B, L, C), Tensor.of(m, B, L),
                rand(r, C, 1, 4), ref.scale(rand(r, B, L, C), 0.5f), ref.scale(ref.exp(rand(r, C, N)), -1f),
                rand(r, B, L, N), rand(r, B, L, N), rand(r, C), rand(r, B, L, C), rand(r, C), rand(r, B, L, C),
                ref.scale(rand(r, C, C, 1, 1), 0.3f)};
        long[] idv = new long[B * L];
        for (int i = 0; i < idv.length; i++) idv[i] = r.nextInt(5);
        Tensor ids = Tensor.ofLongs(idv, B, L);

        Tensor expected = chain(ref, host, ids);
        Tensor[] dev = new Tensor[host.length];
        for (int i = 0; i < host.length; i++) dev[i] = cl.upload(host[i]);

        cl.resetTransfers();
        Tensor result = chain(cl, dev, ids);
        TransferStats t = cl.transfers();
        assertFalse(result.isHost(), "the gradient stays on the device");
        assertEquals(1, t.uploads(), "only the embedding's position index goes up: " + t);
        assertEquals(0, t.downloads(), "nothing comes down: " + t);
        assertTrue(t.launches() > 20, "the chain ran as device launches: " + t);
        OpenClTestSupport.assertClose("backward chain", expected, cl.download(result), ATOL, RTOL);
    }
}
