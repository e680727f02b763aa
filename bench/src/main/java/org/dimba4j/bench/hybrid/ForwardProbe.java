package org.dimba4j.bench.hybrid;

import org.dimba4j.bench.ProcStatus;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.train.Parameters;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.dimba4j.bench.SyntheticForward.randn;
import static org.dimba4j.bench.SyntheticForward.requireFinite;

/**
 * Runs in a fresh JVM, started by {@link HybridVsAttention} once per (width, variant, tokens): builds the model with
 * random weights, runs warm-up forwards and timed ones (batch 1, CPU backend), and prints one {@link Measurement}
 * line on stdout. A fresh process per configuration keeps the memory figures from mixing: VmHWM only ever grows.
 * Warm-up forwards run on min(tokens, 1024) tokens, so they never raise the memory peak above the timed forwards'.
 * <p>
 * Arguments: {@code WIDTH HIDDEN DEPTH HEADS VARIANT TOKENS WARMUP REPS CAPTION_TOKENS CAPTION_CHANNELS}.
 */
public final class ForwardProbe {
    static final int WARMUP_MAX_TOKENS = 1024;

    private ForwardProbe() {}

    public static void main(String[] args) {
        if (args.length != 10) {
            throw new IllegalArgumentException("usage: ForwardProbe WIDTH HIDDEN DEPTH HEADS VARIANT TOKENS WARMUP REPS"
                    + " CAPTION_TOKENS CAPTION_CHANNELS, got " + Arrays.toString(args));
        }
        String width = args[0];
        int hidden = Integer.parseInt(args[1]), depth = Integer.parseInt(args[2]), heads = Integer.parseInt(args[3]);
        Variant variant = Variant.of(args[4]);
        int tokens = Integer.parseInt(args[5]), warmup = Integer.parseInt(args[6]), reps = Integer.parseInt(args[7]);
        int captionTokens = Integer.parseInt(args[8]), captionChannels = Integer.parseInt(args[9]);
        System.out.println(run(width, hidden, depth, heads, variant, tokens, warmup, reps, captionTokens, captionChannels).line());
    }

    /** The latent side for a token count: tokens = (side / patch 2)^2, so 256 tokens is a 32x32 latent (256 px). */
    static int latentSide(int tokens) {
        int grid = (int) Math.round(Math.sqrt(tokens));
        if (grid * grid != tokens) throw new IllegalArgumentException("token count " + tokens + " is not a square grid");
        return 2 * grid;
    }

    static Measurement run(String width, int hidden, int depth, int heads, Variant variant, int tokens, int warmup,
                           int reps, int captionTokens, int captionChannels) {
        int side = latentSide(tokens);
        // input_size = this latent (pe_interpolation 1): each resolution as its own native model
        DimbaConfig config = DimbaConfig.builder().inputSize(side).hiddenSize(hidden).depth(depth).numHeads(heads)
                .captionChannels(captionChannels).modelMaxLength(captionTokens).build();
        Backend be = Backends.cpu();
        Parameters weights = RandomDimbaWeights.of(config, variant.mambaLayers, 42);
        long parameters = weights.elementCount();
        SplittableRandom rnd = new SplittableRandom(7);
        Tensor x = randn(rnd, 1, 4, side, side), t = Tensor.of(new float[] {500f}, 1);
        Tensor y = randn(rnd, 1, 1, captionTokens, captionChannels);
        float[] ones = new float[captionTokens];
        Arrays.fill(ones, 1f);
        Tensor mask = Tensor.of(ones, 1, captionTokens);
        // the kernels are compiled by warm-up forwards on at most 1024 tokens: same code paths, a fraction of the time
        int warmSide = Math.min(side, latentSide(WARMUP_MAX_TOKENS));
        Tensor warmX = warmSide == side ? x : randn(rnd, 1, 4, warmSide, warmSide);
        try (Dimba model = variant.mambaLayers ? Dimba.of(config, weights, be) : Dimba.attentionOnly(config, weights, be)) {
            System.gc();
            long rssBefore = ProcStatus.rss();
            for (int i = 0; i < warmup; i++) {
                long t0 = System.nanoTime();
                requireFinite(model.forward(warmX, t, y, mask));
                System.err.printf("  %s %s %d tokens: warm-up on %d tokens %.3f s%n", width, variant.label, tokens,
                        warmSide * warmSide / 4, (System.nanoTime() - t0) / 1e9);
            }
            List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            double[] seconds = new double[reps];
            long heapPeak = 0;
            for (int i = 0; i < reps; i++) {
                System.gc();
                long heapBefore = heapPools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
                heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
                long t0 = System.nanoTime();
                requireFinite(model.forward(x, t, y, mask));
                seconds[i] = (System.nanoTime() - t0) / 1e9;
                long peak = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                heapPeak = Math.max(heapPeak, peak - heapBefore);
                System.err.printf("  %s %s %d tokens: %.3f s%n", width, variant.label, tokens, seconds[i]);
            }
            long hwm = ProcStatus.hwm();
            return new Measurement(width, variant.label, tokens, hidden, depth, parameters, hwm - rssBefore, hwm,
                    heapPeak, seconds);
        }
    }
}
