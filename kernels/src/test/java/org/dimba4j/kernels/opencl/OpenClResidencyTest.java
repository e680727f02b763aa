package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device residency: a whole Dimba-like block (attention, cross-attention, MLP, bidirectional Mamba; ~60 ops) moves
 * exactly one tensor up and one down once its weights are on the device, and matches the reference backend.
 */
class OpenClResidencyTest {
    /** ~60 chained f32 ops (matmuls over K up to 4C, two 20-step scans) vs the double-accumulating reference. */
    static final double ATOL = 1e-3, RTOL = 1e-3;

    @Test
    void hybridBlockStaysOnDeviceAndMatchesReference() {
        OpenClBackend cl = OpenClTestSupport.backend();
        HybridBlockChain block = new HybridBlockChain(48, 3, 41);
        Random r = new Random(42);
        int b = 2, l = 21;
        Tensor x = OpenClTestSupport.rand(r, b, l, 48), t0 = new ReferenceBackend().scale(OpenClTestSupport.rand(r, b, 6, 48), 0.2f);
        long[] ids = new long[b * block.textLen], mask = new long[b * block.textLen];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(6);
            mask[i] = i % block.textLen < 4 + i / block.textLen ? 1 : 0;
        }
        Tensor idt = Tensor.ofLongs(ids, b, block.textLen), mt = Tensor.ofLongs(mask, b, block.textLen);

        Backend ref = new ReferenceBackend();
        Tensor expected = block.forward(ref, x, idt, mt, t0);
        Tensor t0d = cl.upload(t0);
        block.forward(cl, cl.upload(x), idt, mt, t0d); // first pass: weights, ids and mask are widened and cached

        cl.resetTransfers();
        Tensor xd = cl.upload(x);
        Tensor outDevice = block.forward(cl, xd, idt, mt, t0d);
        assertFalse(outDevice.isHost(), "the block's result stays on the device");
        Tensor out = cl.download(outDevice);
        TransferStats t = cl.transfers();
        assertEquals(1, t.uploads(), "only the input goes up: " + t);
        assertEquals(1, t.downloads(), "only the result comes down: " + t);
        assertTrue(t.launches() > 50, "the block ran as device launches: " + t);
        OpenClTestSupport.assertClose("hybrid block", expected, out, ATOL, RTOL);
    }

    @Test
    void freedTensorsReturnTheirMemory() {
        OpenClTestSupport.backend(); // skips (or fails when required) without a device
        try (OpenClBackend small = OpenClBackend.create(OpenClDevices.best().orElseThrow(), 4)) {
            Random r = new Random(43);
            Tensor host = OpenClTestSupport.rand(r, 64, 1024); // 256 KiB
            Tensor x = small.upload(host);
            // 25 MiB of short-lived results through a 4 MiB arena: only works if unreachable ranges come back.
            for (int i = 0; i < 100; i++) x = small.affine(x, 1f, 0.5f);
            Tensor out = small.download(x);
            for (int i : new int[] {0, 4097, 65535}) assertEquals(host.getFlat(i) + 50f, out.getFlat(i), 1e-4);
        }
    }

    @Test
    void opsMixTensorsFromSeveralArenas() {
        OpenClTestSupport.backend(); // skips (or fails when required) without a device
        // 4 arenas of 128 Ki floats: the block's weights and activations spill over arena boundaries.
        try (OpenClBackend multi = OpenClBackend.createWithArenas(OpenClDevices.best().orElseThrow(), 4L << 17, 1 << 17)) {
            HybridBlockChain block = new HybridBlockChain(48, 3, 51);
            Random r = new Random(52);
            int b = 2, l = 21;
            Tensor x = OpenClTestSupport.rand(r, b, l, 48), t0 = new ReferenceBackend().scale(OpenClTestSupport.rand(r, b, 6, 48), 0.2f);
            long[] ids = new long[b * block.textLen], mask = new long[b * block.textLen];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = r.nextInt(6);
                mask[i] = i % 3 == 0 ? 0 : 1;
            }
            Tensor idt = Tensor.ofLongs(ids, b, block.textLen), mt = Tensor.ofLongs(mask, b, block.textLen);
            Tensor expected = block.forward(new ReferenceBackend(), x, idt, mt, t0);
            // Ballast filling most of arenas 0 and 1, so the block's tensors land across arenas 1, 2 and 3.
            Tensor ballast0 = multi.full(1f, 120 << 10), ballast1 = multi.full(1f, 120 << 10);
            Tensor out = multi.download(block.forward(multi, x, idt, mt, t0));
            assertTrue(multi.arena().highestArenaUsed() >= 2, "tensors were spread over several arenas");
            assertEquals(1f, multi.download(ballast0).getFlat(0));
            assertEquals(1f, multi.download(ballast1).getFlat((120 << 10) - 1));
            OpenClTestSupport.assertClose("hybrid block over 4 arenas", expected, out, ATOL, RTOL);
        }
    }
}
