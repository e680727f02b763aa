package org.dimba4j.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dimba4j.infer.DimbaPipeline;
import org.dimba4j.infer.GenerationResult;
import org.dimba4j.infer.PipelineOptions;
import org.dimba4j.infer.batch.BatchItem;
import org.dimba4j.infer.batch.BatchLine;
import org.dimba4j.infer.batch.BatchOutput;
import org.dimba4j.infer.batch.BatchRun;
import org.dimba4j.infer.batch.PromptsFile;
import org.dimba4j.io.Shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code dimba generate-batch} on Spark: a Dataset of prompts-file lines (the same JSONL schema) mapped to images
 * with {@code mapPartitions}, each executor JVM loading one {@link DimbaPipeline} lazily ({@link ExecutorPipelines}).
 * Every image is the same bytes {@code dimba generate-batch} (and {@code dimba generate}) writes for its line.
 *
 * <p>Two outputs: {@link #images} gives a binary PNG column; {@link #writeFiles} writes the generate-batch layout
 * (PNGs renamed into place by the tasks, {@code results.jsonl} appended by the driver from the successful task
 * attempts only), so a retried or speculative task never duplicates or loses an image, and a rerun resumes.
 *
 * <p>{@code spark-submit --class org.dimba4j.spark.DimbaSparkGenerate dimba4j-spark.jar PROMPTS.jsonl OUT_DIR MODEL_DIR [STEPS] [SEED]}
 */
public final class DimbaSparkGenerate {
    /** Test only: the line (1-based) whose first task attempt throws, after its partition's earlier lines are done. */
    public static final String FAIL_ONCE_AT_LINE = "dimba.spark.failOnceAtLine";
    private static final AtomicInteger INJECTED = new AtomicInteger();

    /** line (1-based), index (0-based among non-blank lines: the seed offset), file (output name), json (the line). */
    public static final StructType PROMPTS = new StructType()
            .add("line", DataTypes.IntegerType, false).add("index", DataTypes.IntegerType, false)
            .add("file", DataTypes.StringType, false).add("json", DataTypes.StringType, false);
    /** line, file, png (null when written to files), manifest (the results.jsonl line). */
    public static final StructType IMAGES = new StructType()
            .add("line", DataTypes.IntegerType, false).add("file", DataTypes.StringType, false)
            .add("png", DataTypes.BinaryType, true).add("manifest", DataTypes.StringType, false);

    private DimbaSparkGenerate() {}

    /**
     * Reads and checks the whole prompts file on the driver against the model's configs (no weights), as
     * {@code generate-batch} does: a bad line fails here naming it, before any task starts.
     */
    public static List<BatchItem> check(Path promptsFile, SparkBatchSettings s) {
        PipelineOptions options = PipelineOptions.builder().device(s.device()).build();
        Path model = Path.of(s.modelDir());
        return BatchItem.resolve(promptsFile.toString(), PromptsFile.read(promptsFile), s.defaults(), DimbaPipeline.requestChecker(model, options));
    }

    /** The checked lines as a {@link #PROMPTS} Dataset in {@code partitions} slices, in file order. */
    public static Dataset<Row> prompts(SparkSession spark, Path promptsFile, List<BatchItem> items, int partitions) {
        List<String> text;
        try {
            text = Files.readAllLines(promptsFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + promptsFile + ": " + e.getMessage(), e);
        }
        List<Row> rows = new ArrayList<>();
        for (BatchItem it : items) {
            BatchLine l = it.line();
            rows.add(RowFactory.create(l.number(), l.index(), l.pngName(), text.get(l.number() - 1)));
        }
        var rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, partitions);
        return spark.createDataFrame(rdd, PROMPTS);
    }

    /** Images as an {@link #IMAGES} Dataset with the PNG bytes in column {@code png}. */
    public static Dataset<Row> images(Dataset<Row> prompts, SparkBatchSettings s) {
        return prompts.mapPartitions(new Generate(s, null), Encoders.row(IMAGES));
    }

    /**
     * Generates the lines of {@code promptsFile} not yet finished in {@code dir} (as {@code generate-batch} counts
     * them), the tasks renaming each PNG into place, then appends their manifest lines in line order. Returns how
     * many images were made.
     */
    public static int writeFiles(SparkSession spark, Path promptsFile, SparkBatchSettings s, Path dir, int partitions) {
        List<BatchItem> items = check(promptsFile, s);
        String model = Path.of(s.modelDir()).toAbsolutePath().normalize().getFileName().toString();
        BatchRun run = BatchRun.open(dir, Shard.ALL, items, model);
        if (run.pending().isEmpty()) return 0;
        Dataset<Row> todo = prompts(spark, promptsFile, run.pending(), partitions);
        List<Row> made = new ArrayList<>(todo.mapPartitions(new Generate(s, dir.toAbsolutePath().toString()), Encoders.row(IMAGES)).collectAsList());
        made.sort(Comparator.comparingInt(r -> r.getInt(0)));
        for (Row r : made) {
            try {
                run.manifest().append((ObjectNode) PromptsFile.parseJson(r.getString(3)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return made.size();
    }

    /** How many failures {@link #FAIL_ONCE_AT_LINE} injected in this JVM. */
    public static int injectedFailures() {
        return INJECTED.get();
    }

    /** Generates a partition's lines one by one on this executor's pipeline. */
    private record Generate(SparkBatchSettings settings, String dir) implements MapPartitionsFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public Row next() {
                    return generate(rows.next());
                }
            };
        }

        private Row generate(Row row) {
            int number = row.getInt(0);
            TaskContext task = TaskContext.get();
            if (Integer.toString(number).equals(System.getProperty(FAIL_ONCE_AT_LINE)) && task != null && task.attemptNumber() == 0) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure at line " + number + " (" + FAIL_ONCE_AT_LINE + ")");
            }
            DimbaPipeline pipe = ExecutorPipelines.get(settings);
            BatchLine line = PromptsFile.parseLine("prompts", number, row.getInt(1), row.getString(3));
            BatchItem item = BatchItem.resolve("prompts", line, settings.defaults(), pipe::check);
            GenerationResult r = pipe.generate(item.request());
            byte[] png = r.png(0);
            if (dir != null) BatchOutput.writeAtomically(Path.of(dir), line.pngName(), png);
            return RowFactory.create(number, line.pngName(), dir == null ? png : null, item.manifestEntry(r.seed(), pipe.modelName()).toString());
        }
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: DimbaSparkGenerate PROMPTS.jsonl OUT_DIR MODEL_DIR [STEPS] [SEED] [PARTITIONS]");
            System.exit(2);
        }
        SparkBatchSettings s = SparkBatchSettings.of(args[2]);
        if (args.length > 3) s = s.withSteps(Integer.parseInt(args[3]));
        if (args.length > 4) s = s.withSeed(Long.parseLong(args[4]));
        SparkSession spark = SparkSession.builder().appName("dimba4j generate").getOrCreate();
        try {
            int partitions = args.length > 5 ? Integer.parseInt(args[5]) : spark.sparkContext().defaultParallelism();
            long t0 = System.nanoTime();
            int n = writeFiles(spark, Path.of(args[0]), s, Path.of(args[1]), partitions);
            double sec = (System.nanoTime() - t0) / 1e9;
            System.err.printf("[dimba4j] %d image(s) in %.1f s (%.3f images/s)%n", n, sec, n / sec);
        } finally {
            spark.stop();
        }
    }
}
