package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.dimba4j.kernels.grad.ScanGrads;
import org.dimba4j.kernels.reference.ReferenceBackend;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The CPU backend: Vector API kernels ({@link Gemm}, {@link Attention}, {@link SelectiveScan}, ...) on a shared
 * fork/join pool. Argument checking mirrors the reference; the few ops not worth a fast kernel (pad2d, full
 * and the embedding backward) are inherited from the reference loops.
 */
public class CpuBackend extends ReferenceBackend {
    /** Products below this many multiply-adds run on the calling thread. */
    private static final long SMALL_GEMM = 1L << 21;

    private final boolean packWeights;

    /** Packs memory-mapped weights on reuse ({@link WeightPacks}, unless {@code -Ddimba.packWeights=false}). */
    public CpuBackend() {
        this(true);
    }

    /** @param packWeights false: linear layers never keep packed f32 copies of weights (less heap, slower) */
    public CpuBackend(boolean packWeights) {
        this.packWeights = packWeights;
    }

    @Override
    public String name() {
        return "cpu";
    }

    /**
     * Runs {@code body} with the CPU kernels it calls (on this thread) split over a pool of {@code threads} threads
     * instead of {@code -Ddimba.threads} (default: the core count). Results are the same bits for every count.
     */
    public static <T> T withThreads(int threads, Supplier<T> body) {
        return Parallel.withThreads(threads, body);
    }

    /**
     * Runs {@code body} with the CPU kernels it calls (on this thread) split over {@code pool}, a pool the caller
     * owns and shuts down (e.g. one from {@link #newPool}). Results are the same bits for every pool size.
     */
    public static <T> T withPool(java.util.concurrent.ForkJoinPool pool, Supplier<T> body) {
        return Parallel.withPool(pool, body);
    }

    /** The number of threads the CPU kernels split their work over on this thread (see {@link #withThreads}). */
    public static int parallelism() {
        return Parallel.threads();
    }

    /**
     * Runs {@code body.accept(i)} for i in [0, tasks) on the kernel pool in force here (inline when nested in a kernel
     * task or for one task), rethrowing the first failure once all have ended. For work split into independent
     * pieces whose results do not depend on which thread runs them (an optimizer's per-tensor updates).
     */
    public static void parallelFor(int tasks, java.util.function.IntConsumer body) {
        Parallel.forEach(tasks, true, body);
    }

    /** A fork/join pool of {@code threads} daemon kernel threads for {@link #withPool}; the caller shuts it down. */
    public static java.util.concurrent.ForkJoinPool newPool(int threads) {
        return Parallel.newPool(threads);
    }

    static float[] floats(Tensor t) {
        return t == null ? null : t.isHostF32Array() ? t.floats() : t.toFloatArray();
    }

    // ---- linear algebra ----

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        OpShapes.MatmulDims md = OpShapes.matmul(a, b, transA, transB);
        int batch = md.batch(), m = md.m(), k = md.k(), n = md.n();
        boolean shared = md.sharedB();
        float[] x = floats(a), o = new float[Math.multiplyExact(batch, Math.multiplyExact(m, n))];
        MatrixView bv = MatrixView.of(b, 0, transB ? k : n, transB);
        int aRs = transA ? 1 : k, aCs = transA ? m : 1;
        if (shared && !transA) {
            // a shared right operand: the batch is just more rows of one product (B packed once, better split)
            Gemm.gemm(batch * m, n, k, x, 0, k, 1, bv, o, 0, n, false, true);
        } else {
            boolean small = (long) m * n * k < SMALL_GEMM;
            Parallel.forEach(batch, small, p -> Gemm.gemm(m, n, k, x, p * m * k, aRs, aCs,
                    shared ? bv : bv.at((long) p * k * n), o, p * m * n, n, false, !small));
        }
        return Tensor.of(o, md.outShape());
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        OpShapes.LinearDims ld = OpShapes.linear(x, weight, bias);
        int in = ld.in(), outF = ld.out(), rows = ld.rows();
        float[] xs = floats(x), o = new float[Math.multiplyExact(rows, outF)];
        if (bias != null) {
            float[] bs = floats(bias);
            for (int r = 0; r < rows; r++) System.arraycopy(bs, 0, o, r * outF, outF);
        }
        PackedB packed = packWeights ? WeightPacks.SHARED.lookup(weight, in, outF) : null;
        if (packed != null) Gemm.gemm(rows, outF, in, xs, 0, in, 1, packed, o, 0, outF, bias != null, true);
        else Gemm.gemm(rows, outF, in, xs, 0, in, 1, MatrixView.of(weight, 0, in, true), o, 0, outF, bias != null, true);
        return Tensor.of(o, ld.outShape());
    }

    // ---- attention ----

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias) {
        OpShapes.AttentionDims ad = OpShapes.attention(q, k, v, heads, keyMask, bias);
        float[] o = Attention.run(floats(q), floats(k), floats(v), ad, scale, keyMask == null ? null : keyMask.toFloatArray(),
                floats(bias));
        return Tensor.of(o, q.shape());
    }

    // ---- normalisation ----

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        int c = x.dim(-1);
        OpShapes.channelParams("layerNorm", x, c, weight, bias);
        return Tensor.of(Norms.norm(floats(x), Shape.rows(x.shape()), c, floats(weight), floats(bias), eps, false), x.shape());
    }

    @Override
    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        int c = x.dim(-1);
        OpShapes.channelParams("rmsNorm", x, c, weight, null);
        return Tensor.of(Norms.norm(floats(x), Shape.rows(x.shape()), c, floats(weight), null, eps, true), x.shape());
    }

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        OpShapes.GroupNormDims gd = OpShapes.groupNorm(x, groups, weight, bias);
        return Tensor.of(Norms.groupNorm(floats(x), gd.n(), gd.c(), gd.spatial(), groups, floats(weight), floats(bias), eps), x.shape());
    }

    @Override
    public Tensor softmax(Tensor x) {
        return Tensor.of(Norms.softmax(floats(x), Shape.rows(x.shape()), x.dim(-1)), x.shape());
    }

    // ---- backward of attention, the row norms, softmax and the activations (embedding's is inherited from the
    //      reference) ----

    @Override
    public AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask,
                                            Tensor bias, Tensor out, Tensor dOut) {
        OpShapes.AttentionDims ad = OpShapes.attentionBackward(q, k, v, heads, keyMask, bias, out, dOut);
        AttentionBackward.Grads g = AttentionBackward.run(floats(q), floats(k), floats(v), floats(out), floats(dOut),
                ad, scale, keyMask == null ? null : keyMask.toFloatArray(), floats(bias));
        return new AttentionGrads(Tensor.of(g.dq(), q.shape()), Tensor.of(g.dk(), k.shape()), Tensor.of(g.dv(), v.shape()));
    }

    @Override
    public NormGrads layerNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        return normBackward("layerNormBackward", x, weight, eps, dy, false);
    }

    @Override
    public NormGrads rmsNormBackward(Tensor x, Tensor weight, float eps, Tensor dy) {
        return normBackward("rmsNormBackward", x, weight, eps, dy, true);
    }

    private static NormGrads normBackward(String op, Tensor x, Tensor weight, float eps, Tensor dy, boolean rms) {
        int c = OpShapes.rowNormBackward(op, x, weight, dy);
        NormBackward.Grads g = NormBackward.run(floats(x), floats(weight), floats(dy), Shape.rows(x.shape()), c, eps, rms);
        return new NormGrads(Tensor.of(g.dx(), x.shape()), g.dw() == null ? null : Tensor.of(g.dw(), c),
                g.db() == null ? null : Tensor.of(g.db(), c));
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor dy) {
        OpShapes.gradient("softmaxBackward", dy, y.shape());
        return Tensor.of(NormBackward.softmax(floats(y), floats(dy), Shape.rows(y.shape()), y.dim(-1)), y.shape());
    }

    private static Tensor activationBackward(String op, Activations.Fn fn, Tensor x, Tensor dy) {
        OpShapes.gradient(op, dy, x.shape());
        return Tensor.of(ActivationBackward.apply(fn, floats(x), floats(dy), Math.toIntExact(x.numel())), x.shape());
    }

    @Override
    public Tensor siluBackward(Tensor x, Tensor dy) {
        return activationBackward("siluBackward", Activations.Fn.SILU, x, dy);
    }

    @Override
    public Tensor geluTanhBackward(Tensor x, Tensor dy) {
        return activationBackward("geluTanhBackward", Activations.Fn.GELU_TANH, x, dy);
    }

    @Override
    public Tensor geluErfBackward(Tensor x, Tensor dy) {
        return activationBackward("geluErfBackward", Activations.Fn.GELU_ERF, x, dy);
    }

    @Override
    public Tensor reluBackward(Tensor x, Tensor dy) {
        return activationBackward("reluBackward", Activations.Fn.RELU, x, dy);
    }

    @Override
    public Tensor softplusBackward(Tensor x, Tensor dy) {
        return activationBackward("softplusBackward", Activations.Fn.SOFTPLUS, x, dy);
    }

    // ---- activations ----

    private static Tensor map(Activations.Fn fn, Tensor x) {
        return Tensor.of(Activations.apply(fn, floats(x), Math.toIntExact(x.numel())), x.shape());
    }

    @Override
    public Tensor silu(Tensor x) {
        return map(Activations.Fn.SILU, x);
    }

    @Override
    public Tensor geluTanh(Tensor x) {
        return map(Activations.Fn.GELU_TANH, x);
    }

    @Override
    public Tensor geluErf(Tensor x) {
        return map(Activations.Fn.GELU_ERF, x);
    }

    @Override
    public Tensor relu(Tensor x) {
        return map(Activations.Fn.RELU, x);
    }

    @Override
    public Tensor softplus(Tensor x) {
        return map(Activations.Fn.SOFTPLUS, x);
    }

    @Override
    public Tensor exp(Tensor x) {
        return map(Activations.Fn.EXP, x);
    }

    @Override
    public Tensor sqrt(Tensor x) {
        return map(Activations.Fn.SQRT, x);
    }

    @Override
    public Tensor gatedGelu(Tensor gate, Tensor up) {
        if (!Arrays.equals(gate.shape(), up.shape())) return super.gatedGelu(gate, up);
        return Tensor.of(Activations.gatedGelu(floats(gate), floats(up), Math.toIntExact(gate.numel())), gate.shape());
    }

    @Override
    public Tensor affine(Tensor x, float s, float t) {
        return Tensor.of(Activations.affine(floats(x), Math.toIntExact(x.numel()), s, t), x.shape());
    }

    // ---- convolution ----

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int groups) {
        OpShapes.Conv2dDims d = OpShapes.conv2d(x, weight, bias, strideH, strideW, padH, padW, groups);
        float[] out = Conv2d.run(floats(x), weight, floats(bias), new ConvGeometry(d, strideH, strideW, padH, padW, groups));
        return Tensor.of(out, d.n(), d.o(), d.ho(), d.wo());
    }

    @Override
    public Tensor causalConv1d(Tensor x, Tensor weight, Tensor bias) {
        OpShapes.CausalConv1dDims d = OpShapes.causalConv1d(x, weight, bias);
        return Tensor.of(CausalConv1d.run(floats(x), floats(weight), floats(bias), d.b(), d.l(), d.c(), d.k()), x.shape());
    }

    // ---- selective scan ----

    @Override
    public Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                Tensor deltaBias, boolean deltaSoftplus) {
        OpShapes.ScanDims sd = OpShapes.selectiveScan(u, delta, a, b, c, d, z, deltaBias);
        float[] o = SelectiveScan.run(new ScanOperands(floats(u), floats(delta), floats(a), floats(b), floats(c), floats(d),
                floats(z), floats(deltaBias), deltaSoftplus), sd);
        return Tensor.of(o, u.shape());
    }

    // ---- backward of the scan and the convolutions ----

    @Override
    public ScanGrads selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b,
            Tensor c, Tensor d, Tensor z, Tensor deltaBias, boolean deltaSoftplus, Tensor dOut) {
        OpShapes.ScanDims sd = OpShapes.selectiveScanBackward(u, delta, a, b, c, d, z, deltaBias, dOut);
        SelectiveScanBackward.Grads g = SelectiveScanBackward.run(new ScanOperands(floats(u), floats(delta), floats(a),
                floats(b), floats(c), floats(d), floats(z), floats(deltaBias), deltaSoftplus), floats(dOut), sd);
        return new ScanGrads(Tensor.of(g.du(), u.shape()), Tensor.of(g.dDelta(), u.shape()),
                Tensor.of(g.dA(), a.shape()), Tensor.of(g.dB(), b.shape()), Tensor.of(g.dC(), c.shape()),
                d == null ? null : Tensor.of(g.dD(), d.shape()), z == null ? null : Tensor.of(g.dZ(), u.shape()),
                deltaBias == null ? null : Tensor.of(g.dDeltaBias(), deltaBias.shape()));
    }

    @Override
    public ConvGrads causalConv1dBackward(Tensor x, Tensor weight, Tensor dy, boolean withBias) {
        OpShapes.CausalConv1dDims cd = OpShapes.causalConv1dBackward(x, weight, dy);
        CausalConv1dBackward.Grads g = CausalConv1dBackward.run(floats(x), floats(weight), floats(dy), withBias,
                cd.b(), cd.l(), cd.c(), cd.k());
        return new ConvGrads(Tensor.of(g.dx(), x.shape()), Tensor.of(g.dw(), weight.shape()),
                withBias ? Tensor.of(g.dBias(), cd.c()) : null);
    }

    @Override
    public ConvGrads conv2dBackward(Tensor x, Tensor weight, Tensor dy, boolean withBias,
            int strideH, int strideW, int padH, int padW, int groups) {
        OpShapes.Conv2dDims d = OpShapes.conv2dBackward(x, weight, dy, strideH, strideW, padH, padW, groups);
        Conv2dBackward.Grads g = Conv2dBackward.run(floats(x), floats(weight), floats(dy), withBias,
                new ConvGeometry(d, strideH, strideW, padH, padW, groups));
        return new ConvGrads(Tensor.of(g.dx(), x.shape()), Tensor.of(g.dw(), weight.shape()),
                withBias ? Tensor.of(g.dBias(), d.o()) : null);
    }

    // ---- elementwise ----

    private static Tensor binary(String name, Elementwise.Op op, Tensor a, Tensor b) {
        int[] os = OpShapes.broadcast(name, a, b);
        return Tensor.of(Elementwise.binary(op, floats(a), a.shape(), floats(b), b.shape(), os), os);
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return binary("add", Elementwise.Op.ADD, a, b);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return binary("sub", Elementwise.Op.SUB, a, b);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return binary("mul", Elementwise.Op.MUL, a, b);
    }

    @Override
    public Tensor div(Tensor a, Tensor b) {
        return binary("div", Elementwise.Op.DIV, a, b);
    }

    // ---- reductions ----

    private static Tensor reduce(Reductions.Kind kind, Tensor x, int dim) {
        OpShapes.AxisDims ad = OpShapes.around(kind.name().toLowerCase(java.util.Locale.ROOT), x, dim);
        float[] o = Reductions.reduce(kind, floats(x), ad.outer(), ad.len(), ad.inner());
        int[] s = x.shape();
        s[ad.axis()] = 1;
        return Tensor.of(o, s);
    }

    @Override
    public Tensor sum(Tensor x, int dim) {
        return reduce(Reductions.Kind.SUM, x, dim);
    }

    @Override
    public Tensor mean(Tensor x, int dim) {
        return reduce(Reductions.Kind.MEAN, x, dim);
    }

    @Override
    public Tensor max(Tensor x, int dim) {
        return reduce(Reductions.Kind.MAX, x, dim);
    }

    // ---- layout: bulk row copies (threads for big ones), mapped f16/bf16 inputs widened only where read ----

    @Override
    public Tensor slice(Tensor x, int dim, int start, int end) {
        OpShapes.AxisDims ad = OpShapes.slice(x, dim, start, end);
        int[] s = x.shape();
        s[ad.axis()] = end - start;
        return Tensor.of(Layout.slice(x, ad.outer(), ad.len(), ad.inner(), start, end), s);
    }

    @Override
    public Tensor concat(int dim, Tensor... xs) {
        OpShapes.AxisDims ad = OpShapes.around("concat", xs[0], dim);
        int[] s = OpShapes.concat(ad.axis(), xs);
        return Tensor.of(Layout.concat(xs, ad.axis(), ad.outer(), ad.inner(), s[ad.axis()]), s);
    }

    @Override
    public Tensor flip(Tensor x, int dim) {
        OpShapes.AxisDims ad = OpShapes.around("flip", x, dim);
        return Tensor.of(Layout.flip(x, ad.outer(), ad.len(), ad.inner()), x.shape());
    }

    @Override
    public Tensor embedding(Tensor table, Tensor ids) {
        long[] is = ids.toLongArray();
        int[] s = OpShapes.embedding(table, ids, is);
        return Tensor.of(Layout.embedding(table, is, table.dim(1)), s);
    }

    @Override
    public Tensor permute(Tensor x, int... axes) {
        int[] os = OpShapes.permute(x, axes);
        return Tensor.of(Layout.permute(floats(x), x.shape(), axes), os);
    }

    @Override
    public Tensor upsampleNearest2d(Tensor x, int factor) {
        OpShapes.PlaneDims pd = OpShapes.upsampleNearest2d(x, factor);
        float[] o = Layout.upsampleNearest(floats(x), pd.planes(), pd.h(), pd.w(), factor);
        return Tensor.of(o, pd.outShape());
    }
}
