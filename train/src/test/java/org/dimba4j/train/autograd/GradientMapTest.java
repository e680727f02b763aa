package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.train.autograd.GradCheck.check;
import static org.dimba4j.train.autograd.GradCheck.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Slices' gradients held back and put together once: against finite differences, and bit for bit against padding
 * each part with zeros and adding the padded tensors in arrival order (what the tape did before), for disjoint parts
 * with gaps, parts interleaved with whole-tensor gradients, and overlapping parts.
 */
class GradientMapTest {
    private final Random r = new Random(11);
    private final Backend cpu = new CpuBackend();

    @Test
    void splitsAndOverlappingSlicesMatchFiniteDifferences() {
        Tensor x = rand(r, 1f, 2, 7, 3);
        check("split into three parts", LayoutGradTest.TOL, (be, t) -> be.concat(1,
                be.mul(be.slice(t[0], 1, 0, 2), be.slice(t[0], 1, 0, 2)),
                be.slice(t[0], 1, 2, 5),
                be.affine(be.slice(t[0], 1, 5, 7), 3f, 1f)), x);
        check("parts with gaps, an overlapping slice and a whole use", LayoutGradTest.TOL, (be, t) -> be.add(be.add(
                be.concat(1, be.slice(t[0], 1, 1, 3), be.slice(t[0], 1, 4, 5), be.slice(t[0], 1, 2, 4), be.slice(t[0], 1, 0, 2)),
                be.concat(1, be.mul(be.slice(t[0], 1, 0, 6), be.slice(t[0], 1, 1, 7)), be.slice(t[0], 1, 6, 7))),
                be.mul(t[0], t[0])), x);
    }

    @Test
    void disjointPartsGiveThePaddedSumBitForBit() {
        Tensor x = rand(r, 1f, 3, 10, 4);
        Tensor a = rand(r, 1f, 3, 2, 4), b = rand(r, 1f, 3, 3, 4), c = rand(r, 1f, 3, 1, 4);
        GradientMap map = new GradientMap(cpu);
        map.addSlice(x, 1, 5, 8, b);
        map.addSlice(x, 1, 0, 2, a);
        map.addSlice(x, 1, 9, 10, c);
        Tensor want = cpu.add(cpu.add(padded(b, 5, 10), padded(a, 0, 10)), padded(c, 9, 10));
        assertArrayEquals(want.toFloatArray(), map.take(x.storage()).toFloatArray());
    }

    @Test
    void wholeGradientsAndOverlapsKeepTheArrivalOrder() {
        Tensor x = rand(r, 1f, 2, 6, 5);
        Tensor full1 = rand(r, 1f, 2, 6, 5), full2 = rand(r, 1f, 2, 6, 5);
        Tensor p = rand(r, 1f, 2, 4, 5), q = rand(r, 1f, 2, 2, 5), o = rand(r, 1f, 2, 3, 5);
        GradientMap map = new GradientMap(cpu);
        map.add(x, full1);
        map.addSlice(x, 1, 0, 4, p);
        map.addSlice(x, 1, 4, 6, q);
        map.add(x, full2);
        map.addSlice(x, 1, 2, 5, o);   // overlaps p and q: padded and added on its own
        map.addSlice(x, 1, 0, 4, p);   // overlaps o: the run is added part by part
        Tensor want = cpu.add(cpu.add(cpu.add(cpu.add(cpu.add(full1, padded(p, 0, 6)), padded(q, 4, 6)), full2),
                padded(o, 2, 6)), padded(p, 0, 6));
        assertArrayEquals(want.toFloatArray(), map.peek(x.storage()).toFloatArray());
        assertArrayEquals(want.toFloatArray(), map.take(x.storage()).toFloatArray(), "peek keeps the gradient");
    }

    /** g [B, n, C] as rows start..start+n-1 of a [B, len, C] tensor of zeros. */
    private Tensor padded(Tensor g, int start, int len) {
        int b = g.dim(0), n = g.dim(1), c = g.dim(2);
        java.util.List<Tensor> parts = new java.util.ArrayList<>();
        if (start > 0) parts.add(cpu.zeros(b, start, c));
        parts.add(g);
        if (start + n < len) parts.add(cpu.zeros(b, len - start - n, c));
        return cpu.concat(1, parts.toArray(Tensor[]::new));
    }
}
