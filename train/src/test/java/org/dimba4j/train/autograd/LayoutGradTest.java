package org.dimba4j.train.autograd;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.dimba4j.train.autograd.GradCheck.check;
import static org.dimba4j.train.autograd.GradCheck.rand;

/** Reductions, layout ops and embedding, against finite differences. */
class LayoutGradTest {
    static final double TOL = 2e-3;
    final Random r = new Random(3);

    @Test
    void sumAndMeanOverEachDim() {
        Tensor x = rand(r, 1f, 2, 3, 4);
        for (int d = -1; d < 3; d++) {
            int dim = d;
            check("sum dim " + dim, TOL, (be, t) -> be.sum(t[0], dim), x);
            check("mean dim " + dim, TOL, (be, t) -> be.mean(t[0], dim), x);
        }
    }

    @Test
    void permuteSliceConcatFlip() {
        Tensor x = rand(r, 1f, 2, 3, 4);
        check("permute", TOL, (be, t) -> be.permute(t[0], 2, 0, 1), x);
        check("slice middle", TOL, (be, t) -> be.slice(t[0], 2, 1, 3), x);
        check("slice head", TOL, (be, t) -> be.slice(t[0], 1, 0, 2), x);
        check("slice tail, negative dim", TOL, (be, t) -> be.slice(t[0], -1, 2, 4), x);
        check("slice whole", TOL, (be, t) -> be.slice(t[0], 0, 0, 2), x);
        check("concat", TOL, (be, t) -> be.concat(1, t[0], t[1], t[0]), x, rand(r, 1f, 2, 2, 4));
        check("flip", TOL, (be, t) -> be.flip(t[0], 1), x);
        check("pad2d", TOL, (be, t) -> be.pad2d(t[0], 1, 2, 0, 1), x);
    }

    @Test
    void upsampleNearest2dSumsEachBlock() {
        Tensor x = rand(r, 1f, 2, 3, 2, 3);
        check("upsampleNearest2d x2", TOL, (be, t) -> be.upsampleNearest2d(t[0], 2), x);
        check("upsampleNearest2d x3", TOL, (be, t) -> be.upsampleNearest2d(t[0], 3), x);
    }

    @Test
    void embeddingScatterAddsRepeatedIds() {
        Tensor table = rand(r, 1f, 5, 3);
        Tensor ids = Tensor.ofLongs(new long[] {4, 0, 4, 2, 4, 1}, 2, 3);
        check("embedding", TOL, (be, t) -> be.embedding(t[0], ids), table);
    }

    @Test
    void viewsOfOneStorageShareOneGradient() {
        // x used through three differently shaped views (one sliced): every use adds to the one gradient of x
        Tensor x = rand(r, 1f, 2, 6);
        check("reshaped views", TOL, (be, t) -> {
            Tensor squared = be.mul(t[0].reshape(4, 3), t[0].reshape(12).reshape(4, 3));
            Tensor s = be.slice(t[0].reshape(2, 3, 2), 1, 1, 2).reshape(4, 1);
            return be.add(squared, s);
        }, x);
    }
}
