package org.dimba4j.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shared argument checks: sizes worked out right, and messages that name the op, the rule and the shapes. */
class OpShapesTest {
    @Test
    void matmulBatchesAndSharedRightOperand() {
        OpShapes.MatmulDims d = OpShapes.matmul(Tensor.zeros(2, 3, 5, 4), Tensor.zeros(6, 4), false, true);
        assertEquals(6, d.batch());
        assertEquals(5, d.m());
        assertEquals(4, d.k());
        assertEquals(6, d.n());
        assertEquals(true, d.sharedB());
        assertArrayEquals(new int[] {2, 3, 5, 6}, d.outShape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpShapes.matmul(Tensor.zeros(3, 4), Tensor.zeros(5, 6), false, false));
        assertEquals("matmul: inner dimensions differ: 4 vs 5 (shapes [3, 4] [5, 6])", e.getMessage());
    }

    @Test
    void conv2dOutputSizeAndChecks() {
        OpShapes.Conv2dDims d = OpShapes.conv2d(Tensor.zeros(1, 4, 9, 7), Tensor.zeros(6, 2, 3, 3), null, 2, 2, 1, 1, 2);
        assertEquals(5, d.ho());
        assertEquals(4, d.wo());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpShapes.conv2d(Tensor.zeros(1, 4, 9, 7), Tensor.zeros(6, 2, 3, 3), Tensor.zeros(5), 1, 1, 0, 0, 2));
        assertEquals("conv2d: bias must be [6] (shapes [6, 2, 3, 3] [5])", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> OpShapes.conv2d(Tensor.zeros(1, 4, 9, 7), Tensor.zeros(6, 2, 3, 3), null, 1, 1, 0, 0, 0));
    }

    @Test
    void attentionHeadsAndBias() {
        Tensor q = Tensor.zeros(2, 3, 8), k = Tensor.zeros(2, 5, 8);
        OpShapes.AttentionDims d = OpShapes.attention(q, k, k, 2, null, Tensor.zeros(2, 2, 3, 5));
        assertEquals(4, d.headDim());
        assertEquals(true, d.batchedBias());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpShapes.attention(q, k, k, 3, null, null));
        assertEquals("attention: inconsistent q/k/v for 3 heads (shapes [2, 3, 8] [2, 5, 8] [2, 5, 8])", e.getMessage());
    }

    @Test
    void layoutShapes() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertArrayEquals(new int[] {4, 2, 3}, OpShapes.permute(x, 2, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> OpShapes.permute(x, 0, 0, 1));
        assertArrayEquals(new int[] {2, 5, 4}, OpShapes.concat(1, x, Tensor.zeros(2, 2, 4)));
        OpShapes.AxisDims a = OpShapes.slice(x, -2, 1, 3);
        assertEquals(1, a.axis());
        assertEquals(2, a.outer());
        assertEquals(4, a.inner());
        assertArrayEquals(new int[] {2, 4, 6}, OpShapes.pad2d(x, 1, 1, 0, 1).outShape());
        assertArrayEquals(new int[] {2, 6, 8}, OpShapes.upsampleNearest2d(x, 2).outShape());
    }
}
