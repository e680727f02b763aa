package org.dimba4j.bench.pipeline;

import org.dimba4j.bench.hybrid.RandomDimbaWeights;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.BlockRunner;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Java side of {@code bench/block-vs-official.sh}: the seconds of one Dimba block (a DimbaBlock and the Mamba
 * layer after it) at Dimba-L/512 shapes, batch 2 (one CFG step): hidden 1152, 16 heads, 1024 image tokens, 300
 * caption tokens. The model is a Dimba-L/512 of DEPTH blocks with synthetic f32 weights written once to DIR and
 * memory-mapped from there, as {@code dimba generate} loads a checkpoint (so the linear weights get packed once,
 * {@code WeightPacks}). Each block is timed on its own through a {@link BlockRunner}; the figure is the median over
 * all blocks of the timed forwards, after warm-up forwards (which also pack the weights).
 *
 * <p>Usage: {@code DimbaBlockWorker DIR DEPTH REPS}: REPS timed forwards, one line per block, then the median.
 * With REPS = 0 it serves the interleaving driver: prints "ready", then answers each stdin line "N" with the median
 * seconds per block over N forwards.
 */
public final class DimbaBlockWorker {
    static final int BATCH = 2, CAPTION_TOKENS = 300, WARMUP = 3;

    private DimbaBlockWorker() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) throw new IllegalArgumentException("usage: DimbaBlockWorker DIR DEPTH REPS");
        Path dir = Path.of(args[0]);
        int depth = Integer.parseInt(args[1]), reps = Integer.parseInt(args[2]);
        if (depth < 1 || reps < 0) throw new IllegalArgumentException("DEPTH must be >= 1 and REPS >= 0, got " + depth + ", " + reps);
        DimbaConfig config = DimbaConfig.named("dimba-l-512").toBuilder().depth(depth).build();
        Path transformer = ensureWeights(dir.resolve("dimba-l-512-depth-" + depth), config);
        Backend be = Backends.cpu();
        List<Double> blockSeconds = new ArrayList<>();
        BlockRunner timed = (name, b, block, inputs) -> {
            long t0 = System.nanoTime();
            Tensor[] out = block.apply(b, inputs);
            blockSeconds.add((System.nanoTime() - t0) / 1e9);
            return out;
        };
        SplittableRandom rnd = new SplittableRandom(7);
        int side = config.inputSize();
        Tensor x = randn(rnd, BATCH, config.inChannels(), side, side), t = Tensor.of(new float[] {500f, 500f}, BATCH);
        Tensor y = randn(rnd, BATCH, 1, CAPTION_TOKENS, config.captionChannels());
        float[] ones = new float[BATCH * CAPTION_TOKENS];
        Arrays.fill(ones, 1f);
        Tensor mask = Tensor.of(ones, BATCH, CAPTION_TOKENS);
        try (Dimba loaded = Dimba.load(transformer, be)) {
            Dimba model = loaded.withBlockRunner(timed);
            for (int i = 0; i < WARMUP; i++) check(model.forward(x, t, y, mask));
            if (reps > 0) {
                blockSeconds.clear();
                for (int i = 0; i < reps; i++) check(model.forward(x, t, y, mask));
                for (int i = 0; i < blockSeconds.size(); i++) System.out.printf("block %d of forward %d: %.3f s%n", i % depth, i / depth, blockSeconds.get(i));
                System.out.printf("median %.4f s per block (Dimba-L/512, batch %d, %d caption tokens, %d threads)%n",
                        median(blockSeconds), BATCH, CAPTION_TOKENS, Runtime.getRuntime().availableProcessors());
                return;
            }
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                int n = Integer.parseInt(line.trim());
                blockSeconds.clear();
                for (int i = 0; i < n; i++) check(model.forward(x, t, y, mask));
                System.out.println(median(blockSeconds));
                System.out.flush();
            }
        }
    }

    /** DIR/transformer with the config and seeded random weights, written once (atomically: aside, then renamed). */
    private static Path ensureWeights(Path dir, DimbaConfig config) throws IOException {
        Path transformer = dir.resolve("transformer");
        if (Files.isRegularFile(transformer.resolve("model.safetensors"))) return transformer;
        Path tmp = dir.resolve("transformer.tmp");
        Files.createDirectories(tmp);
        var weights = RandomDimbaWeights.of(config, true, 2024);
        System.err.printf("[block] writing %.1f M parameters (f32) to %s%n", weights.elementCount() / 1e6, transformer);
        Files.writeString(tmp.resolve("config.json"), config.toJson());
        SafetensorsWriter.write(tmp.resolve("model.safetensors"), weights, Map.of("format", "pt"), true);
        Files.move(tmp, transformer, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return transformer;
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** A forward whose output is not finite would time a broken network; fail instead. */
    private static void check(Tensor out) {
        for (float v : out.toFloatArray()) {
            if (!Float.isFinite(v)) throw new IllegalStateException("forward produced a non-finite value: " + v);
        }
    }

    private static Tensor randn(SplittableRandom rnd, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return Tensor.of(v, shape);
    }
}
