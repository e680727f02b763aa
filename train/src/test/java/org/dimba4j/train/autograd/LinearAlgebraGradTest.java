package org.dimba4j.train.autograd;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.train.autograd.GradCheck.check;
import static org.dimba4j.train.autograd.GradCheck.rand;

/** matmul (every transpose flag, batched and shared 2-D b) and linear, against finite differences. */
class LinearAlgebraGradTest {
    static final double TOL = 2e-3;
    final Random r = new Random(1);

    @Test
    void matmulBatchedEveryTransposeCombination() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                var a = rand(r, 1f, ta ? new int[] {2, 4, 3} : new int[] {2, 3, 4});
                var b = rand(r, 1f, tb ? new int[] {2, 5, 4} : new int[] {2, 4, 5});
                check("matmul batched ta=" + ta + " tb=" + tb, TOL, (be, x) -> be.matmul(x[0], x[1], ta, tb), a, b);
            }
        }
    }

    @Test
    void matmulSharedRightOperandEveryTransposeCombination() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                var a = rand(r, 1f, ta ? new int[] {2, 2, 4, 3} : new int[] {2, 2, 3, 4});
                var b = rand(r, 1f, tb ? new int[] {5, 4} : new int[] {4, 5});
                check("matmul shared ta=" + ta + " tb=" + tb, TOL, (be, x) -> be.matmul(x[0], x[1], ta, tb), a, b);
            }
        }
    }

    @Test
    void matmulPlain2d() {
        check("matmul 2-D", TOL, (be, x) -> be.matmul(x[0], x[1], false, true), rand(r, 1f, 3, 4), rand(r, 1f, 6, 4));
    }

    @Test
    void linearWithAndWithoutBiasOverLeadingDims() {
        var x = rand(r, 1f, 2, 3, 5);
        var w = rand(r, 0.5f, 4, 5);
        var b = rand(r, 0.5f, 4);
        check("linear with bias", TOL, (be, t) -> be.linear(t[0], t[1], t[2]), x, w, b);
        check("linear without bias", TOL, (be, t) -> be.linear(t[0], t[1], null), x, w);
    }
}
