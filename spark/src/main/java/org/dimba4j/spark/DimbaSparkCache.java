package org.dimba4j.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.dimba4j.io.Shard;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.train.data.ExampleEncoder;
import org.dimba4j.train.data.ImageFolder;
import org.dimba4j.train.data.OnlineTrainingData;
import org.dimba4j.train.data.ShardedTrainingCache;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code dimba cache --shard i/N} on Spark: one task per shard, each encoding its examples (VAE posterior, T5
 * features) into the shared cache folder's part files, which {@code dimba train --data CACHE} reads as one cache.
 * A failed or retried task resumes from its part's finished files; a finished part is left as it is. Each task
 * opens the model's encoders itself (their weights memory-mapped, so the executor's page cache shares them).
 */
public final class DimbaSparkCache {
    private DimbaSparkCache() {}

    /**
     * @param modelDir, data, out paths as every executor sees them (a shared file system)
     * @return the shard indexes written, in order
     */
    public static List<Integer> write(SparkSession spark, Settings s, int shards) {
        if (shards < 1) throw new IllegalArgumentException("shards " + shards + " must be at least 1");
        ImageFolder.open(Path.of(s.data()), s.skipBad()); // every line checked on the driver before a task starts
        var jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> ids = IntStream.range(0, shards).boxed().toList();
        List<Integer> done = new ArrayList<>(jsc.parallelize(ids, shards).mapPartitions(new Encode(s, shards)).collect());
        done.sort(null);
        return done;
    }

    /** @param shardSize examples per part file */
    public record Settings(String modelDir, String data, String out, int shardSize, String device, boolean skipBad) implements Serializable {}

    private record Encode(Settings s, int count) implements FlatMapFunction<Iterator<Integer>, Integer> {
        @Override
        public Iterator<Integer> call(Iterator<Integer> shards) {
            List<Integer> done = new ArrayList<>();
            while (shards.hasNext()) {
                Shard shard = new Shard(shards.next(), count);
                Path out = Path.of(s.out());
                if (!ShardedTrainingCache.isDone(out, shard)) {
                    try (Backend be = Backends.select(s.device());
                         OnlineTrainingData online = new OnlineTrainingData(ImageFolder.open(Path.of(s.data()), s.skipBad()),
                                 ExampleEncoder.load(Path.of(s.modelDir()), be))) {
                        ShardedTrainingCache.write(online, out, s.shardSize(), shard, k -> {});
                    }
                }
                done.add(shard.index());
            }
            return done.iterator();
        }
    }
}
