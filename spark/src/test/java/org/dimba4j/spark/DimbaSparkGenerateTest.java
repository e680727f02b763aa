package org.dimba4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dimba4j.infer.batch.BatchItem;
import org.dimba4j.infer.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark job in local mode on the bundled model (VAE factor 4 x patch 2: sizes are multiples of 8): the images are
 * the bytes of {@code dimba generate-batch} for the same seeds; a task that fails mid-partition is retried without duplicate or missing images.
 * {@code local[2,2]}: two cores, and two attempts per task (plain {@code local[2]} never retries).
 */
class DimbaSparkGenerateTest {
    private static final String MODEL = Path.of("../models/shapes-64").toAbsolutePath().normalize().toString();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROMPTS = List.of(
            "{\"prompt\": \"two small red circles to the left of a blue square\", \"seed\": 42, \"id\": \"circles\"}",
            "{\"prompt\": \"a large yellow triangle\", \"width\": 32, \"height\": 48}",
            "{\"prompt\": \"three purple squares\", \"negative_prompt\": \"green\", \"guidance\": 2.0}",
            "",
            "{\"prompt\": \"an orange circle below a blue triangle\"}",
            "{\"prompt\": \"four green triangles\", \"steps\": 4}",
            "{\"prompt\": \"a red square\", \"seed\": 9}");

    @TempDir
    static Path shared;
    static Path prompts, cli;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        prompts = Files.write(shared.resolve("prompts.jsonl"), PROMPTS);
        cli = shared.resolve("cli");
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute("generate-batch", "--prompts", prompts.toString(), "-o", cli.toString(), "--model", MODEL,
                "--steps", "3", "--seed", "5", "--device", "cpu"), err.toString());
        spark = SparkSession.builder().master("local[2,2]").appName("dimba4j-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) spark.stop();
        System.clearProperty(DimbaSparkGenerate.FAIL_ONCE_AT_LINE);
    }

    private static SparkBatchSettings settings() {
        return SparkBatchSettings.of(MODEL).withSteps(3).withSeed(5);
    }

    private static Map<String, byte[]> pngs(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) if (p.getFileName().toString().endsWith(".png")) m.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return m;
    }

    @Test
    void aBinaryColumnHoldsTheCliBytes() throws IOException {
        List<BatchItem> items = DimbaSparkGenerate.check(prompts, settings());
        List<Row> rows = DimbaSparkGenerate.images(DimbaSparkGenerate.prompts(spark, prompts, items, 2), settings()).collectAsList();
        Map<String, byte[]> want = pngs(cli);
        assertEquals(6, want.size());
        assertEquals(want.size(), rows.size());
        Set<String> seen = new HashSet<>();
        for (Row r : rows) {
            String file = r.getString(1);
            assertTrue(seen.add(file), "duplicate " + file);
            assertArrayEquals(want.get(file), (byte[]) r.get(2), file + " vs generate-batch");
        }
        assertEquals(1, ExecutorPipelines.loaded(), "one pipeline per JVM, shared by both task slots");
    }

    @Test
    void aTaskFailingMidPartitionIsRetriedWithoutDuplicatesOrGaps(@TempDir Path out) throws IOException {
        // 6 lines in 2 partitions: line 6 (index 4) is the second of the second partition, after line 5 was written
        System.setProperty(DimbaSparkGenerate.FAIL_ONCE_AT_LINE, "6");
        int before = DimbaSparkGenerate.injectedFailures();
        try {
            assertEquals(6, DimbaSparkGenerate.writeFiles(spark, prompts, settings(), out, 2));
        } finally {
            System.clearProperty(DimbaSparkGenerate.FAIL_ONCE_AT_LINE);
        }
        assertEquals(before + 1, DimbaSparkGenerate.injectedFailures(), "the failure fired once and the retry passed it");
        Map<String, byte[]> want = pngs(cli), got = pngs(out);
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) assertArrayEquals(want.get(k), got.get(k), k);
        List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
        List<JsonNode> mine = new ArrayList<>(), theirs = new ArrayList<>();
        for (String l : lines) mine.add(JSON.readTree(l));
        for (String l : Files.readAllLines(cli.resolve("results.jsonl"))) theirs.add(JSON.readTree(l));
        assertEquals(theirs, mine, "the same manifest as generate-batch, one line per image, in line order");
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(), "partials left");
        }
        assertEquals(0, DimbaSparkGenerate.writeFiles(spark, prompts, settings(), out, 2), "a rerun finds everything done");
    }

    @Test
    void aBadLineFailsOnTheDriverNamingIt() throws IOException {
        Path bad = Files.write(shared.resolve("bad.jsonl"), List.of("{\"prompt\": \"a\"}", "{\"prompt\": \"b\", \"height\": 44}"));
        var e = assertThrows(IllegalArgumentException.class, () -> DimbaSparkGenerate.check(bad, settings()));
        assertTrue(e.getMessage().contains("line 2: \"height\" 44 must be a positive multiple of 8"), e.getMessage());
    }
}
