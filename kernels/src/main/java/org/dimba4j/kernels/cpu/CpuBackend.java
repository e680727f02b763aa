package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;

import java.util.Arrays;

/**
 * The CPU backend: Vector API kernels ({@link Gemm}, {@link Attention}, {@link SelectiveScan}, ...) on a shared
 * fork/join pool. Argument checking mirrors the reference; anything not worth a fast kernel (layout ops, which
 * are memory copies either way) is inherited from the reference loops.
 */
public class CpuBackend extends ReferenceBackend {
    /** Products below this many multiply-adds run on the calling thread. */
    private static final long SMALL_GEMM = 1L << 21;

    @Override
    public String name() {
        return "cpu";
    }

    static float[] floats(Tensor t) {
        return t == null ? null : t.isHostF32Array() ? t.floats() : t.toFloatArray();
    }

    private static IllegalArgumentException error(String op, String what, Tensor... ts) {
        StringBuilder sb = new StringBuilder(op).append(": ").append(what).append(" (shapes");
        for (Tensor t : ts) sb.append(' ').append(t == null ? "null" : Shape.str(t.shape()));
        return new IllegalArgumentException(sb.append(')').toString());
    }

    // ---- linear algebra ----

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2 || bs.length < 2) throw error("matmul", "operands must be at least 2-D", a, b);
        int m = transA ? as[as.length - 1] : as[as.length - 2];
        int k = transA ? as[as.length - 2] : as[as.length - 1];
        int kb = transB ? bs[bs.length - 1] : bs[bs.length - 2];
        int n = transB ? bs[bs.length - 2] : bs[bs.length - 1];
        if (k != kb) throw error("matmul", "inner dimensions differ: " + k + " vs " + kb, a, b);
        boolean shared = bs.length == 2;
        if (!shared && !Arrays.equals(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2))) {
            throw error("matmul", "batch dimensions differ", a, b);
        }
        int batch = Math.toIntExact(Shape.numel(Arrays.copyOf(as, as.length - 2)));
        float[] x = floats(a), o = new float[Math.multiplyExact(batch, Math.multiplyExact(m, n))];
        MatrixView bv = MatrixView.of(b, 0, transB ? k : n, transB);
        int aRs = transA ? 1 : k, aCs = transA ? m : 1;
        boolean small = (long) m * n * k < SMALL_GEMM;
        Parallel.forEach(batch, small, p -> Gemm.gemm(m, n, k, x, p * m * k, aRs, aCs,
                shared ? bv : bv.at((long) p * k * n), o, p * m * n, n, false, !small));
        int[] os = as.clone();
        os[os.length - 2] = m;
        os[os.length - 1] = n;
        return Tensor.of(o, os);
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int in = x.dim(-1);
        if (weight.rank() != 2 || weight.dim(1) != in) throw error("linear", "weight must be [out, " + in + "]", x, weight);
        int outF = weight.dim(0);
        if (bias != null && bias.numel() != outF) throw error("linear", "bias must be [" + outF + "]", weight, bias);
        int rows = Shape.rows(x.shape());
        float[] xs = floats(x), o = new float[Math.multiplyExact(rows, outF)];
        if (bias != null) {
            float[] bs = floats(bias);
            for (int r = 0; r < rows; r++) System.arraycopy(bs, 0, o, r * outF, outF);
        }
        Gemm.gemm(rows, outF, in, xs, 0, in, 1, MatrixView.of(weight, 0, in, true), o, 0, outF, bias != null, true);
        return Tensor.of(o, Shape.withLast(x.shape(), outF));
    }
}
