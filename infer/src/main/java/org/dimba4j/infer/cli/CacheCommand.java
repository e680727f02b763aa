package org.dimba4j.infer.cli;

import org.dimba4j.infer.ModelHome;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.train.data.CachedTrainingData;
import org.dimba4j.train.data.ExampleEncoder;
import org.dimba4j.train.data.ImageFolder;
import org.dimba4j.train.data.OnlineTrainingData;
import org.dimba4j.train.data.ShardedTrainingCache;
import org.dimba4j.train.data.TrainingCache;
import org.dimba4j.io.Shard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code dimba cache --model DIR --data DATA -o CACHE}: validates an image folder, encodes every example once with
 * the model's VAE encoder and T5 (the official transform at the model's size, captions padded to
 * model_max_length) and writes the posteriors and caption features as safetensors shards that
 * {@code dimba train --data CACHE} reads instead of the images.
 */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Encode an image folder once (VAE posterior, T5 features + mask) into safetensors shards for training.")
public final class CacheCommand implements Runnable {

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: $DIMBA_HOME/" + ModelHome.DEFAULT_MODEL + ")")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "image folder: images + metadata.jsonl, or .txt sidecars")
    Path data;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "CACHE", description = "cache folder to create (must not exist or be empty)")
    Path output;

    @Option(names = "--skip-bad", description = "leave out bad examples (counted) instead of failing")
    boolean skipBad;

    @Option(names = "--shard-size", defaultValue = "64", description = "examples per shard (default: ${DEFAULT-VALUE})")
    int shardSize;

    @Option(names = "--shard", paramLabel = "i/N", description = "encode only examples k with k mod N == i into CACHE's"
            + " part files (every shard the same -o; training reads the union once all N are done; a rerun resumes)")
    String shard;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|opencl|auto", description = "compute device (default: ${DEFAULT-VALUE})")
    String device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter log = spec.commandLine().getErr();
        if (shardSize < 1) throw new IllegalArgumentException("--shard-size " + shardSize + " must be positive");
        if (CachedTrainingData.isCache(data)) throw new IllegalArgumentException(data + " is already a cache");
        Shard part;
        try {
            part = shard == null ? null : Shard.parse(shard);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shard: " + e.getMessage());
        }
        if (part != null && ShardedTrainingCache.isDone(output, part)) {
            log.printf("[dimba4j] shard %s of cache %s is already complete%n", part, output);
            return;
        }
        Path modelDir = model != null ? model : ModelHome.defaultModel();
        long t0 = System.nanoTime();
        ImageFolder folder = ImageFolder.open(data, skipBad);
        log.printf("[dimba4j] %s: %d examples%s%n", data, folder.size(),
                folder.skipped() > 0 ? ", " + folder.skipped() + " bad skipped" : "");
        for (String p : folder.problems()) log.println("[dimba4j]   skipped " + p);
        try (Backend be = Backends.select(device);
             OnlineTrainingData online = new OnlineTrainingData(folder, ExampleEncoder.load(modelDir, be))) {
            long t1 = System.nanoTime();
            int n = folder.size();
            if (part == null) {
                TrainingCache.write(online, output, shardSize, i -> {
                    if ((i + 1) % 10 == 0 || i + 1 == n) log.printf("[dimba4j] encoded %d/%d%n", i + 1, n);
                });
            } else {
                ShardedTrainingCache.write(online, output, shardSize, part, i -> log.printf("[dimba4j] encoded example %d%n", i));
            }
            double s = (System.nanoTime() - t1) / 1e9;
            log.printf("[dimba4j] wrote " + (part == null ? "" : "shard " + part + " of ") + "cache %s: %d examples at %d px in %.1f s (%.3f s/example; validation %.1f s)%n",
                    output, n, online.encoder().imageSize(), s, s / n, (t1 - t0) / 1e9);
        }
    }
}
