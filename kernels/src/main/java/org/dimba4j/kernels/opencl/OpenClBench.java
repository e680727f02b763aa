package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Tensor;

import java.util.Locale;
import java.util.Random;

/**
 * Matmul, attention and selective-scan throughput (forward and backward) of the OpenCL backend on device-resident tensors (no transfers
 * inside the timed loop). Run through {@code tools/bench-opencl.sh [small|full]}; prints one line per case.
 * "full" uses Dimba-L shapes (hidden 1152, 16 heads of 72, d_inner 2304, 1024 tokens at 512 px).
 */
public final class OpenClBench {
    private OpenClBench() {}

    public static void main(String[] args) {
        boolean full = args.length > 0 && args[0].equals("full");
        OpenClDevices.Info dev = OpenClDevices.best().orElseThrow(() -> new IllegalStateException("no OpenCL device"));
        System.out.println("device: " + dev.name() + " (" + dev.type() + ", " + dev.computeUnits() + " CUs, "
                + dev.platformVersion() + ")");
        try (OpenClBackend cl = OpenClBackend.create(dev, full ? 1536 : 256)) {
            Random r = new Random(1);
            int s = full ? 2048 : 256;
            Tensor a = cl.upload(rand(r, s, s)), b = cl.upload(rand(r, s, s));
            report("matmul " + s + "^3", 2.0 * s * s * s, time(() -> cl.matmul(a, b, false, false)));
            int rows = full ? 2048 : 256, in = full ? 1152 : 192, out = full ? 4608 : 768;
            Tensor x = cl.upload(rand(r, rows, in)), w = cl.upload(rand(r, out, in));
            report("linear " + rows + "x" + in + "->" + out, 2.0 * rows * in * out, time(() -> cl.linear(x, w, null)));
            int bsz = 2, l = full ? 1024 : 128, h = 16, d = 72;
            Tensor q = cl.upload(rand(r, bsz, l, h * d)), k = cl.upload(rand(r, bsz, l, h * d)), v = cl.upload(rand(r, bsz, l, h * d));
            float scale = (float) (1 / Math.sqrt(d));
            report("attention B2 L" + l + " H16 D72", 4.0 * bsz * h * l * l * d, time(() -> cl.attention(q, k, v, h, scale, null, null)));
            Tensor o = cl.attention(q, k, v, h, scale, null, null), dO = cl.upload(rand(r, bsz, l, h * d));
            // FlashAttention's convention: the backward is 2.5 forwards of useful flops (ours recomputes more)
            report("attention bwd B2 L" + l + " H16 D72", 10.0 * bsz * h * l * l * d,
                    time(() -> cl.attentionBackward(q, k, v, h, scale, null, null, o, dO)));
            int e = full ? 2304 : 384, n = 16;
            Tensor u = cl.upload(rand(r, bsz, l, e)), dt = cl.upload(rand(r, bsz, l, e)), am = cl.scale(cl.exp(cl.upload(rand(r, e, n))), -1f);
            Tensor bm = cl.upload(rand(r, bsz, l, n)), cm = cl.upload(rand(r, bsz, l, n));
            // per state element and step: exp, 2 mul + 1 fma for h, 1 fma for y ~ 6 flops
            report("scan B2 L" + l + " E" + e + " N16", 6.0 * bsz * l * e * n,
                    time(() -> cl.selectiveScan(u, dt, am, bm, cm, null, null, null, true)));
            Tensor dy = cl.upload(rand(r, bsz, l, e));
            // recomputed forward (~6 flops) and the backward step (~14: dh, dB, du, dDelta, dA terms) per state element
            report("scan bwd B2 L" + l + " E" + e + " N16", 20.0 * bsz * l * e * n,
                    time(() -> cl.selectiveScanBackward(u, dt, am, bm, cm, null, null, null, true, dy)));
        }
    }

    private static Tensor rand(Random r, int... shape) {
        float[] d = new float[Math.toIntExact(org.dimba4j.kernels.Shape.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * 0.1f;
        return Tensor.of(d, shape);
    }

    /** Median seconds of 5 runs after a warm-up (the first launch compiles the kernel). */
    private static double time(Runnable op) {
        op.run();
        double[] t = new double[5];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            op.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }

    private static void report(String what, double flops, double seconds) {
        System.out.println(String.format(Locale.ROOT, "%-32s %9.3f ms %8.2f GFLOP/s", what, seconds * 1e3, flops / seconds / 1e9));
    }
}
