package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.HostStorage;
import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.ConvGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.dimba4j.kernels.grad.ScanGrads;

import java.util.Map;

/**
 * Every {@link Backend} op as Aparapi kernels (plain Java translated to OpenCL C at run time) over device-resident
 * tensors. Results are device tensors; {@link #download} is the only way back to the host, and {@link #transfers}
 * counts every crossing. Runs on any OpenCL 1.2 device: PoCL on the CPU in CI, GPUs for speed.
 *
 * <p>Launch shapes are decided here and in {@link DeviceArena}; each kernel's doc comment states what it expects.
 * The backward ops for training are deterministic: every sum is walked in a fixed order by one work-item or reduced
 * from partials in a second launch, never accumulated with atomics.
 */
public final class OpenClBackend implements Backend {
    private static final System.Logger LOG = System.getLogger(OpenClBackend.class.getName());

    /** Smallest arena size chosen when -Ddimba.opencl.arenaMB is not given. */
    private static final int MIN_DEFAULT_ARENA_MB = 256;

    private final DeviceArena arena;
    private final Map<HostStorage, DeviceStorage> cache = Operands.newCache();
    private final Layout layout;

    private OpenClBackend(DeviceArena arena) {
        this.arena = arena;
        this.layout = new Layout(this, arena);
    }

    /**
     * A backend on {@code device} holding {@code arenaMB} MiB of tensors (at most 4 arenas of just under 2 GiB, each
     * at most the device's largest allocation; the Java heap needs the same again for the arenas' host twins). The
     * first launch compiles the kernel (seconds on PoCL, cached after).
     */
    public static OpenClBackend create(OpenClDevices.Info device, int arenaMB) {
        int maxArena = (int) Math.min(DeviceArena.MAX_ARENA_FLOATS, device.maxAllocBytes() / 4);
        warnIfArenasMayMove(device);
        return new OpenClBackend(new DeviceArena(device.device(), ((long) arenaMB << 20) / 4, maxArena));
    }

    /** -Ddimba.opencl.arenaMB, else 3/4 of the device memory, at most 40% of the Java heap (the arenas' host twins). */
    public static int defaultArenaMB(OpenClDevices.Info device) {
        Integer set = Integer.getInteger("dimba.opencl.arenaMB");
        if (set != null) return set;
        long mb = Math.min(device.globalMemBytes() / 4 * 3, Runtime.getRuntime().maxMemory() / 5 * 2) >> 20;
        long most = 4L * Math.min(DeviceArena.MAX_ARENA_FLOATS, device.maxAllocBytes() / 4) * 4 >> 20;
        return (int) Math.max(MIN_DEFAULT_ARENA_MB, Math.min(mb, most));
    }

    /**
     * Aparapi re-creates a device buffer from its host array when the array moves in the heap, which on a device
     * with its own memory replaces the resident tensors with the stale host copy. G1 and ZGC do not move such large
     * arrays; the Parallel and Serial collectors may, in a full GC.
     */
    private static void warnIfArenasMayMove(OpenClDevices.Info device) {
        if (device.device().isSharedMemory()) return;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            String n = gc.getName();
            if (n.startsWith("PS ") || n.equals("MarkSweepCompact") || n.equals("Copy")) {
                LOG.log(System.Logger.Level.WARNING, "the " + n + " collector may move the OpenCL arenas during a"
                        + " full GC, which would lose device data on " + device.name() + "; run with -XX:+UseG1GC");
                return;
            }
        }
    }

    /** A backend with arenas of at most {@code maxArenaFloats} each (tests use small ones to exercise several). */
    static OpenClBackend createWithArenas(OpenClDevices.Info device, long totalFloats, int maxArenaFloats) {
        return new OpenClBackend(new DeviceArena(device.device(), totalFloats, maxArenaFloats));
    }

    DeviceArena arena() {
        return arena;
    }

    /** A backend on the best OpenCL device ({@link OpenClDevices#best}), arenas sized by {@link #defaultArenaMB}. */
    public static OpenClBackend create() {
        OpenClDevices.Info d = OpenClDevices.best().orElseThrow(() -> new IllegalStateException(
                "no OpenCL device found: install an OpenCL driver (e.g. pocl-opencl-icd, or the GPU vendor's);"
                        + " `dimba devices` lists what is visible"));
        return create(d, defaultArenaMB(d));
    }

    @Override
    public String name() {
        return "opencl:" + arena.deviceName().trim();
    }

    /** Host&lt;-&gt;device transfers and launches since the last {@link #resetTransfers}. */
    public TransferStats transfers() {
        return arena.stats();
    }

    public void resetTransfers() {
        arena.resetStats();
    }

    Operands operands() {
        return new Operands(arena, cache);
    }

    // ---- memory -------------------------------------------------------------------------------------

    @Override
    public Tensor upload(Tensor host) {
        if (host.storage() instanceof DeviceStorage) return host;
        DeviceStorage ds = Operands.resolve(arena, cache, host, new java.util.ArrayList<>());
        return new Tensor(ds, DType.F32, host.shape());
    }

    @Override
    public Tensor download(Tensor t) {
        if (!(t.storage() instanceof DeviceStorage ds)) return t.toF32();
        return Tensor.of(arena.download(ds, Math.toIntExact(t.numel())), t.shape());
    }

    @Override
    public Tensor full(float value, int... shape) {
        try (Operands ops = operands()) {
            Tensor o = ops.out(shape);
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = KernelBase.OP_FILL;
                k.oOff = Operands.offset(o);
                k.n0 = Math.toIntExact(o.numel());
                k.f0 = value;
                arena.launch1d(k.n0);
            }
            return o;
        }
    }

    // ---- linear algebra -----------------------------------------------------------------------------

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        OpShapes.MatmulDims md = OpShapes.matmul(a, b, transA, transB);
        int batch = md.batch(), m = md.m(), k = md.k(), n = md.n();
        boolean shared = md.sharedB();
        try (Operands ops = operands()) {
            int ao = ops.in(a), bo = ops.in(b);
            Tensor o = ops.out(md.outShape());
            gemm(ao, bo, -1, Operands.offset(o), batch, m, n, k, transA, transB, m * k, shared ? 0 : k * n);
            return o;
        }
    }

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        OpShapes.LinearDims ld = OpShapes.linear(x, weight, bias);
        int in = ld.in(), outF = ld.out(), rows = ld.rows();
        try (Operands ops = operands()) {
            int xo = ops.in(x), wo = ops.in(weight), bo = ops.opt(bias);
            Tensor o = ops.out(ld.outShape());
            gemm(xo, wo, bo, Operands.offset(o), 1, rows, outF, in, false, true, 0, 0);
            return o;
        }
    }

    private void gemm(int a, int b, int bias, int o, int batch, int m, int n, int k, boolean transA, boolean transB,
                      int aStride, int bStride) {
        if ((long) batch * m * n == 0) return;
        synchronized (arena) {
            DeviceKernel kk = arena.kernel();
            kk.op = KernelBase.OP_MATMUL;
            kk.aOff = a;
            kk.bOff = b;
            kk.cOff = bias;
            kk.oOff = o;
            kk.n0 = m;
            kk.n1 = n;
            kk.n2 = k;
            kk.n3 = transA ? 1 : 0;
            kk.n4 = transB ? 1 : 0;
            kk.n5 = aStride;
            kk.n6 = bStride;
            int t = MatmulKernels.TILE, blk = MatmulKernels.BLOCK;
            arena.launch3d(roundUp(n, blk) / blk * t, roundUp(m, blk) / blk * t, batch, t, t, 1);
        }
    }

    // ---- attention ----------------------------------------------------------------------------------

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias) {
        OpShapes.AttentionDims ad = OpShapes.attention(q, k, v, heads, keyMask, bias);
        int bsz = ad.batch(), lq = ad.lq(), lk = ad.lk(), d = ad.headDim();
        boolean batchedBias = ad.batchedBias();
        if (d > AttentionKernels.MAX_HEAD_DIM) {
            throw OpShapes.error("attention", "head dim " + d + " exceeds the OpenCL kernel's " + AttentionKernels.MAX_HEAD_DIM, q);
        }
        try (Operands ops = operands()) {
            int qo = ops.in(q), ko = ops.in(k), vo = ops.in(v), mo = ops.opt(keyMask), bo = ops.opt(bias);
            Tensor o = ops.out(q.shape());
            int qBlocks = (lq + AttentionKernels.TQ - 1) / AttentionKernels.TQ;
            synchronized (arena) {
                DeviceKernel kk = arena.kernel();
                kk.op = KernelBase.OP_ATTENTION;
                kk.aOff = qo;
                kk.bOff = ko;
                kk.cOff = vo;
                kk.dOff = mo;
                kk.eOff = bo;
                kk.oOff = Operands.offset(o);
                kk.n0 = bsz;
                kk.n1 = heads;
                kk.n2 = lq;
                kk.n3 = lk;
                kk.n4 = d;
                kk.n5 = qBlocks;
                kk.n6 = batchedBias ? 1 : 0;
                kk.f0 = scale;
                arena.launchGroups(bsz * heads * qBlocks * AttentionKernels.TQ, AttentionKernels.TQ);
            }
            return o;
        }
    }

    // ---- normalisation ------------------------------------------------------------------------------

    private Tensor rowNorm(String op, Tensor x, Tensor weight, Tensor bias, float eps, int mode) {
        int c = x.dim(-1), rows = Shape.rows(x.shape());
        OpShapes.channelParams(op, x, c, weight, bias);
        return segmentNorm(x, weight, bias, eps, mode, rows, c, 1, 1, 0);
    }

    /** Launches {@link NormKernels#segmentNorm} over {@code segments} segments of {@code len} elements. */
    private Tensor segmentNorm(Tensor x, Tensor weight, Tensor bias, float eps, int mode, int segments, int len,
                               int spatial, int groups, int channelsPerGroup) {
        try (Operands ops = operands()) {
            int xo = ops.in(x), wo = ops.opt(weight), bo = ops.opt(bias);
            Tensor o = ops.out(x.shape());
            synchronized (arena) {
                DeviceKernel k = arena.kernel();
                k.op = KernelBase.OP_NORM;
                k.aOff = xo;
                k.bOff = wo;
                k.cOff = bo;
                k.oOff = Operands.offset(o);
                k.n0 = segments;
                k.n1 = len;
                k.n2 = mode;
                k.n3 = spatial;
                k.n4 = groups;
                k.n5 = channelsPerGroup;
                k.f0 = eps;
                arena.launchGroups(segments * NormKernels.NORM_WG, NormKernels.NORM_WG);
            }
            return o;
        }
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return rowNorm("layerNorm", x, weight, bias, eps, NormKernels.NORM_LAYER);
    }

    @Override
    public Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        return rowNorm("rmsNorm", x, weight, null, eps, NormKernels.NORM_RMS);
    }

    @Override
    public Tensor softmax(Tensor x) {
        return rowNorm("softmax", x, null, null, 0f, NormKernels.NORM_SOFTMAX);
    }

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        OpShapes.GroupNormDims gd = OpShapes.groupNorm(x, groups, weight, bias);
        int spatial = gd.spatial(), cpg = gd.channelsPerGroup();
        return segmentNorm(x, weight, bias, eps, NormKernels.NORM_GROUP, gd.n() * groups, cpg * spatial, spatial, groups, cpg);
    }

    // ---- activations and elementwise ----------------------------------------------------------------

    private Tensor unary(Tensor x, int code, float s, float t) {
        try (Operands ops = operands()) {
            int xo = ops.in(x);
            Tensor o = ops.out(x.shape());
            int[] flat = {Math.toIntExact(x.numel())}, one = {1};
            StridedMap.launch(arena, flat, Operands.offset(o), one, xo, one, -1, null, ElementwiseKernels.BIN_NONE, code, s, t);
            return o;
        }
    }

    @Override public Tensor silu(Tensor x) { return unary(x, ElementwiseKernels.UN_SILU, 0f, 0f); }
    @Override public Tensor geluTanh(Tensor x) { return unary(x, ElementwiseKernels.UN_GELU_TANH, 0f, 0f); }
    @Override public Tensor geluErf(Tensor x) { return unary(x, ElementwiseKernels.UN_GELU_ERF, 0f, 0f); }
    @Override public Tensor relu(Tensor x) { return unary(x, ElementwiseKernels.UN_RELU, 0f, 0f); }
    @Override public Tensor softplus(Tensor x) { return unary(x, ElementwiseKernels.UN_SOFTPLUS, 0f, 0f); }
    @Override public Tensor exp(Tensor x) { return unary(x, ElementwiseKernels.UN_EXP, 0f, 0f); }
    @Override public Tensor affine(Tensor x, float s, float t) { return unary(x, ElementwiseKernels.UN_AFFINE, s, t); }
    @Override public Tensor sqrt(Tensor x) { return unary(x, ElementwiseKernels.UN_SQRT, 0f, 0f); }

    private Tensor binary(String name, Tensor a, Tensor b, int code) {
        int[] os = OpShapes.broadcast(name, a, b);
        try (Operands ops = operands()) {
            int ao = ops.in(a), bo = ops.in(b);
            Tensor o = ops.out(os);
            StridedMap.launch(arena, os, Operands.offset(o), StridedMap.contiguous(os), ao,
                    StridedMap.broadcastStrides(a.shape(), os), bo, StridedMap.broadcastStrides(b.shape(), os),
                    code, ElementwiseKernels.UN_ID, 0f, 0f);
            return o;
        }
    }

    @Override public Tensor add(Tensor a, Tensor b) { return binary("add", a, b, ElementwiseKernels.BIN_ADD); }
    @Override public Tensor sub(Tensor a, Tensor b) { return binary("sub", a, b, ElementwiseKernels.BIN_SUB); }
    @Override public Tensor mul(Tensor a, Tensor b) { return binary("mul", a, b, ElementwiseKernels.BIN_MUL); }
    @Override public Tensor div(Tensor a, Tensor b) { return binary("div", a, b, ElementwiseKernels.BIN_DIV); }

    // ---- convolution, scan, reductions, layout: see Layout and SequenceOps ------------------------

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int groups) {
        return SequenceOps.conv2d(this, arena, x, weight, bias, strideH, strideW, padH, padW, groups);
    }

    @Override
    public Tensor causalConv1d(Tensor x, Tensor weight, Tensor bias) {
        return SequenceOps.causalConv1d(this, arena, x, weight, bias);
    }

    @Override
    public Tensor selectiveScan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                Tensor deltaBias, boolean deltaSoftplus) {
        return SequenceOps.selectiveScan(this, arena, u, delta, a, b, c, d, z, deltaBias, deltaSoftplus);
    }

    @Override public Tensor sum(Tensor x, int dim) { return layout.reduce(x, dim, ElementwiseKernels.RED_SUM); }
    @Override public Tensor mean(Tensor x, int dim) { return layout.reduce(x, dim, ElementwiseKernels.RED_MEAN); }
    @Override public Tensor max(Tensor x, int dim) { return layout.reduce(x, dim, ElementwiseKernels.RED_MAX); }
    @Override public Tensor pad2d(Tensor x, int left, int right, int top, int bottom) { return layout.pad2d(x, left, right, top, bottom); }
    @Override public Tensor upsampleNearest2d(Tensor x, int factor) { return layout.upsampleNearest2d(x, factor); }
    @Override public Tensor permute(Tensor x, int... axes) { return layout.permute(x, axes); }
    @Override public Tensor slice(Tensor x, int dim, int start, int end) { return layout.slice(x, dim, start, end); }
    @Override public Tensor concat(int dim, Tensor... xs) { return layout.concat(dim, xs); }
    @Override public Tensor flip(Tensor x, int dim) { return layout.flip(x, dim); }
    @Override public Tensor embedding(Tensor table, Tensor ids) { return layout.embedding(table, ids); }

    @Override
    public void close() {
        arena.close();
    }

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }


    // ---- backward (training): see BackwardOps and SequenceBackwardOps ------------------------------

    @Override
    public AttentionGrads attentionBackward(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask,
                                            Tensor bias, Tensor out, Tensor dOut) {
        return BackwardOps.attention(this, arena, q, k, v, heads, scale, keyMask, bias, out, dOut);
    }

    @Override public NormGrads layerNormBackward(Tensor x, Tensor w, float eps, Tensor dy) { return BackwardOps.norm(this, arena, "layerNormBackward", true, x, w, eps, dy); }
    @Override public NormGrads rmsNormBackward(Tensor x, Tensor w, float eps, Tensor dy) { return BackwardOps.norm(this, arena, "rmsNormBackward", false, x, w, eps, dy); }
    @Override public Tensor softmaxBackward(Tensor y, Tensor dy) { return BackwardOps.softmax(this, arena, y, dy); }
    @Override public Tensor siluBackward(Tensor x, Tensor dy) { return activationBackward("siluBackward", ElementwiseKernels.UN_SILU, x, dy); }
    @Override public Tensor geluTanhBackward(Tensor x, Tensor dy) { return activationBackward("geluTanhBackward", ElementwiseKernels.UN_GELU_TANH, x, dy); }
    @Override public Tensor geluErfBackward(Tensor x, Tensor dy) { return activationBackward("geluErfBackward", ElementwiseKernels.UN_GELU_ERF, x, dy); }
    @Override public Tensor reluBackward(Tensor x, Tensor dy) { return activationBackward("reluBackward", ElementwiseKernels.UN_RELU, x, dy); }
    @Override public Tensor softplusBackward(Tensor x, Tensor dy) { return activationBackward("softplusBackward", ElementwiseKernels.UN_SOFTPLUS, x, dy); }

    private Tensor activationBackward(String op, int code, Tensor x, Tensor dy) {
        return BackwardOps.activation(this, arena, op, code, x, dy);
    }

    @Override
    public ConvGrads conv2dBackward(Tensor x, Tensor weight, Tensor dy, boolean withBias, int strideH, int strideW,
                                    int padH, int padW, int groups) {
        return SequenceBackwardOps.conv2d(this, arena, x, weight, dy, withBias, strideH, strideW, padH, padW, groups);
    }

    @Override public ConvGrads causalConv1dBackward(Tensor x, Tensor w, Tensor dy, boolean withBias) { return SequenceBackwardOps.causalConv1d(this, arena, x, w, dy, withBias); }
    @Override public Tensor embeddingBackward(Tensor ids, Tensor dOut, int rows) { return SequenceBackwardOps.embedding(this, arena, ids, dOut, rows); }

    @Override
    public ScanGrads selectiveScanBackward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, Tensor z,
                                           Tensor deltaBias, boolean deltaSoftplus, Tensor dOut) {
        return SequenceBackwardOps.selectiveScan(this, arena, u, delta, a, b, c, d, z, deltaBias, deltaSoftplus, dOut);
    }
}
