package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.Function;

import static org.dimba4j.kernels.opencl.OpenClTestSupport.assertClose;
import static org.dimba4j.kernels.opencl.OpenClTestSupport.rand;

/** Norms, softmax, activations, broadcasting arithmetic, reductions, layout ops and embedding vs the reference. */
class OpenClElementwiseParityTest {
    /** Pointwise f32 math (OpenCL exp/log/rsqrt within a few ulp; erf and tanh through exp). */
    static final double ATOL = 1e-5, RTOL = 1e-5;
    /** Row reductions over up to ~1000 f32 terms. */
    static final double NORM_ATOL = 5e-5, NORM_RTOL = 5e-5;

    private final Backend ref = new ReferenceBackend();

    private static final int[][] SHAPES = {{1}, {7}, {3, 5}, {2, 17, 33}, {1, 65, 130}, {2, 3, 4, 5}};

    @Test
    void rowNormsAndSoftmax() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(21);
        for (int[] s : SHAPES) {
            Tensor x = rand(r, s), w = rand(r, s[s.length - 1]), b = rand(r, s[s.length - 1]);
            String what = Arrays.toString(s);
            assertClose("layerNorm " + what, ref.layerNorm(x, w, b, 1e-6f), cl.download(cl.layerNorm(x, w, b, 1e-6f)), NORM_ATOL, NORM_RTOL);
            assertClose("layerNorm no affine " + what, ref.layerNorm(x, null, null, 1e-5f), cl.download(cl.layerNorm(x, null, null, 1e-5f)), NORM_ATOL, NORM_RTOL);
            assertClose("rmsNorm " + what, ref.rmsNorm(x, w, 1e-5f), cl.download(cl.rmsNorm(x, w, 1e-5f)), NORM_ATOL, NORM_RTOL);
            assertClose("rmsNorm no weight " + what, ref.rmsNorm(x, null, 1e-6f), cl.download(cl.rmsNorm(x, null, 1e-6f)), NORM_ATOL, NORM_RTOL);
            Tensor big = ref.affine(x, 30f, 5f);
            assertClose("softmax " + what, ref.softmax(big), cl.download(cl.softmax(big)), NORM_ATOL, NORM_RTOL);
        }
    }

    @Test
    void groupNorm() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(22);
        int[][] shapes = {{1, 4, 3, 5}, {2, 6, 7, 9}, {1, 32, 8, 8}};
        int[] groups = {2, 3, 8};
        for (int i = 0; i < shapes.length; i++) {
            Tensor x = rand(r, shapes[i]), w = rand(r, shapes[i][1]), b = rand(r, shapes[i][1]);
            assertClose("groupNorm " + Arrays.toString(shapes[i]), ref.groupNorm(x, groups[i], w, b, 1e-6f),
                    cl.download(cl.groupNorm(x, groups[i], w, b, 1e-6f)), NORM_ATOL, NORM_RTOL);
            assertClose("groupNorm no affine", ref.groupNorm(x, groups[i], null, null, 1e-5f),
                    cl.download(cl.groupNorm(x, groups[i], null, null, 1e-5f)), NORM_ATOL, NORM_RTOL);
        }
    }

    @Test
    void activations() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(23);
        Tensor x = ref.affine(rand(r, 3, 37, 11), 6f, 0f); // spans the softplus threshold and saturated tanh
        check("silu", x, ref::silu, cl::silu, cl);
        check("geluTanh", x, ref::geluTanh, cl::geluTanh, cl);
        check("geluErf", x, ref::geluErf, cl::geluErf, cl);
        check("relu", x, ref::relu, cl::relu, cl);
        check("softplus", x, ref::softplus, cl::softplus, cl);
        check("exp", ref.scale(x, 0.5f), ref::exp, cl::exp, cl);
        check("affine", x, t -> ref.affine(t, -1.5f, 0.25f), t -> cl.affine(t, -1.5f, 0.25f), cl);
        Tensor g = rand(r, 2, 9, 13), u = rand(r, 2, 9, 13);
        assertClose("gatedGelu", ref.gatedGelu(g, u), cl.download(cl.gatedGelu(g, u)), ATOL, RTOL);
    }

    private static void check(String name, Tensor x, Function<Tensor, Tensor> want, Function<Tensor, Tensor> got, OpenClBackend cl) {
        assertClose(name, want.apply(x), cl.download(got.apply(x)), ATOL, RTOL);
    }

    @Test
    void broadcastingArithmetic() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(24);
        int[][][] pairs = {{{2, 17, 33}, {2, 17, 33}}, {{2, 17, 33}, {33}}, {{2, 1, 33}, {1, 5, 1}}, {{4, 1, 6}, {3, 1}},
                {{1}, {3, 7}}, {{2, 3, 4, 5, 6}, {3, 1, 5, 1}}};
        Backend[] b = {ref};
        for (int[][] p : pairs) {
            Tensor x = rand(r, p[0]), y = rand(r, p[1]);
            Tensor ypos = ref.add(ref.mul(y, y), Tensor.scalar(0.5f)); // keeps div well conditioned
            String what = Arrays.toString(p[0]) + " " + Arrays.toString(p[1]);
            binary("add " + what, x, y, b[0]::add, cl::add, cl);
            binary("sub " + what, x, y, b[0]::sub, cl::sub, cl);
            binary("mul " + what, x, y, b[0]::mul, cl::mul, cl);
            binary("div " + what, x, ypos, b[0]::div, cl::div, cl);
        }
    }

    private static void binary(String name, Tensor x, Tensor y, BinaryOperator<Tensor> want, BinaryOperator<Tensor> got, OpenClBackend cl) {
        assertClose(name, want.apply(x, y), cl.download(got.apply(cl.upload(x), y)), ATOL, RTOL);
    }

    @Test
    void reductions() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(25);
        for (int[] s : SHAPES) {
            Tensor x = rand(r, s);
            for (int dim = -1; dim < s.length; dim++) {
                String what = Arrays.toString(s) + " dim " + dim;
                assertClose("sum " + what, ref.sum(x, dim), cl.download(cl.sum(x, dim)), NORM_ATOL, NORM_RTOL);
                assertClose("mean " + what, ref.mean(x, dim), cl.download(cl.mean(x, dim)), NORM_ATOL, NORM_RTOL);
                assertClose("max " + what, ref.max(x, dim), cl.download(cl.max(x, dim)), 0, 0);
            }
        }
    }

    @Test
    void layoutOpsAreExactCopies() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(26);
        Tensor x = rand(r, 2, 3, 5, 7);
        Tensor xd = cl.upload(x);
        int[][] perms = {{0, 1, 2, 3}, {3, 2, 1, 0}, {0, 2, 3, 1}, {1, 0, 3, 2}};
        for (int[] p : perms) assertClose("permute " + Arrays.toString(p), ref.permute(x, p), cl.download(cl.permute(xd, p)), 0, 0);
        for (int dim = 0; dim < 4; dim++) {
            int n = x.dim(dim);
            assertClose("slice " + dim, ref.slice(x, dim, 1, n), cl.download(cl.slice(xd, dim, 1, n)), 0, 0);
            assertClose("slice empty-start " + dim, ref.slice(x, dim, 0, 1), cl.download(cl.slice(xd, dim, 0, 1)), 0, 0);
            assertClose("flip " + dim, ref.flip(x, dim), cl.download(cl.flip(xd, dim)), 0, 0);
            int[] other = x.shape();
            other[dim] = 4;
            Tensor y = rand(r, other);
            assertClose("concat " + dim, ref.concat(dim, x, y, x), cl.download(cl.concat(dim, xd, y, x)), 0, 0);
        }
        assertClose("pad2d", ref.pad2d(x, 1, 2, 3, 0), cl.download(cl.pad2d(xd, 1, 2, 3, 0)), 0, 0);
        assertClose("upsample x2", ref.upsampleNearest2d(x, 2), cl.download(cl.upsampleNearest2d(xd, 2)), 0, 0);
        assertClose("upsample x3", ref.upsampleNearest2d(x, 3), cl.download(cl.upsampleNearest2d(x, 3)), 0, 0);
        assertClose("full", ref.full(2.5f, 3, 9), cl.download(cl.full(2.5f, 3, 9)), 0, 0);
        assertClose("reshape view", x.reshape(6, 35), cl.download(xd.reshape(6, 35)), 0, 0);
    }

    @Test
    void embeddingFromMappedAndDeviceTables() {
        OpenClBackend cl = OpenClTestSupport.backend();
        Random r = new Random(27);
        Tensor table = rand(r, 29, 13);
        long[] ids = new long[2 * 7];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(29);
        Tensor idt = Tensor.ofLongs(ids, 2, 7);
        assertClose("embedding", ref.embedding(table, idt), cl.download(cl.embedding(table, idt)), 0, 0);
        Tensor bf = OpenClLinearAlgebraParityTest.segment(table, org.dimba4j.kernels.DType.BF16);
        assertClose("embedding bf16", ref.embedding(bf, idt), cl.download(cl.embedding(bf, idt)), 0, 0);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> cl.embedding(table, Tensor.ofLongs(new long[] {29}, 1)));
    }
}
