package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.kernels.cpu.Parity.CPU;
import static org.dimba4j.kernels.cpu.Parity.REF;
import static org.dimba4j.kernels.cpu.Parity.asSegment;
import static org.dimba4j.kernels.cpu.Parity.assertCloseRms;
import static org.dimba4j.kernels.cpu.Parity.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The packed-weight cache: when it packs, what it refuses, and that packed products have the unpacked bits. */
class WeightPacksTest {

    /** A weight over a read-only segment, as a memory-mapped checkpoint gives. */
    private static Tensor mapped(Tensor t, DType dt) {
        Tensor s = asSegment(t, dt);
        return Tensor.ofSegment(s.segment().asReadOnly(), dt, t.shape());
    }

    @Test
    void packsOnTheThirdUseAndThenReusesThePack() {
        WeightPacks packs = new WeightPacks(true, 1L << 30);
        Tensor w = mapped(rand(new Random(1), 70, 45), DType.BF16);
        assertNull(packs.lookup(w, 45, 70), "first use");
        assertNull(packs.lookup(w, 45, 70), "second use");
        PackedB p = packs.lookup(w, 45, 70);
        assertNotNull(p, "third use packs");
        assertSame(p, packs.lookup(w, 45, 70), "fourth use reuses");
        assertEquals(4L * 45 * Gemm.panels(70) * Gemm.NR, packs.usedBytes());
    }

    @Test
    void refusesWritableWeightsAndWeightsPastTheCapAndWhenOff() {
        Random r = new Random(2);
        Tensor heap = rand(r, 64, 64), writable = asSegment(rand(r, 64, 64), DType.F32), ro = mapped(rand(r, 64, 64), DType.F16);
        WeightPacks on = new WeightPacks(true, 1L << 30), tiny = new WeightPacks(true, 1000), off = new WeightPacks(false, 1L << 30);
        for (int i = 0; i < 5; i++) {
            assertNull(on.lookup(heap, 64, 64), "heap f32 weight (mutable)");
            assertNull(on.lookup(writable, 64, 64), "writable segment");
            assertNull(tiny.lookup(ro, 64, 64), "over the cap");
            assertNull(off.lookup(ro, 64, 64), "switched off");
        }
        assertEquals(0, tiny.usedBytes());
    }

    /** linear on the shared cache: cold (unpacked, interpreter) and warm (packed, C2) calls give the same bits. */
    @Test
    void packedLinearIsBitIdenticalToUnpacked() {
        Random r = new Random(3);
        for (DType dt : new DType[] {DType.BF16, DType.F16, DType.F32}) {
            Tensor w = mapped(rand(r, 101, 300), dt), x = rand(r, 2, 37, 300), bias = rand(r, 101);
            float[] first = CPU.linear(x, w, bias).toFloatArray();
            assertCloseRms("linear " + dt, REF.linear(x, w, bias), Tensor.of(first, 2, 37, 101), 1e-5);
            for (int i = 0; i < 6; i++) assertArrayEquals(first, CPU.linear(x, w, bias).toFloatArray(), dt + " call " + (i + 2));
            assertNotNull(WeightPacks.SHARED.lookup(w, 300, 101), dt + " weight was packed");
        }
    }
}
