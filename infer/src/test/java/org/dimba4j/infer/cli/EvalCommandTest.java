package org.dimba4j.infer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.infer.eval.EvalReport;
import org.dimba4j.infer.eval.Tally;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba eval} on the tiny reference model (random weights: it draws noise, so only structure is asserted). */
class EvalCommandTest {
    private static final String MODEL = Path.of("../models/tiny-reference").toString();

    @Test
    void writesTheReportAndTheSameFiguresTwice(@TempDir Path dir) throws IOException {
        Path prompts = dir.resolve("p.jsonl");
        Files.writeString(prompts, """
                {"prompt": "a blue triangle", "spec": {"groups": [{"count": 1, "colour": "blue", "shape": "triangle"}]}}

                {"prompt": "two red circles to the left of a green square"}
                """);
        JsonNode[] runs = new JsonNode[2];
        for (int k = 0; k < 2; k++) {
            Path md = dir.resolve("run" + k + ".md");
            CliRun r = CliRun.run("eval", "--model", MODEL, "--prompts", prompts.toString(), "--steps", "3", "--seeds", "2",
                    "--seed", "5", "--device", "cpu", "--save-images", dir.resolve("img").toString(), "-o", md.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("s/image"), r.err());
            String text = Files.readString(md);
            for (String m : Tally.METRICS) assertTrue(text.contains("| " + m + " | "), m + " row in\n" + text);
            assertTrue(text.contains("dpm-solver, 3 steps, guidance 4.5, 64x64"), text);
            assertTrue(text.contains("| two red circles to the left of a green square | 2 |"), text);
            runs[k] = new ObjectMapper().readTree(EvalReport.jsonPath(md).toFile());
            JsonNode metrics = runs[k].get("metrics");
            for (String m : Tally.METRICS) {
                double a = metrics.get(m).get("accuracy").asDouble();
                assertTrue(a >= 0 && a <= 1, m + " = " + a);
            }
            assertEquals(4, metrics.get("all-correct").get("total").asInt());
            assertEquals(2, metrics.get("spatial").get("total").asInt(), "only the spatial prompt's two images");
            assertEquals(1.0, runs[k].get("detector").get("clean").get("all-correct").get("accuracy").asDouble(), 0.01);
            assertEquals(4, runs[k].get("images").size());
            assertEquals(6, runs[k].get("images").get(1).get("seed").asInt());
        }
        assertEquals(runs[0].get("images"), runs[1].get("images"), "the same detections in both runs");
        assertEquals(runs[0].get("metrics"), runs[1].get("metrics"));
        assertEquals(runs[0].get("frechet"), runs[1].get("frechet"));
        // noise from a random model is far from the renders
        assertTrue(runs[0].get("frechet").get("distance").asDouble() > runs[0].get("frechet").get("floor").asDouble(), runs[0].get("frechet").toString());
        try (var s = Files.list(dir.resolve("img"))) {
            assertEquals(4, s.count());
        }
    }

    @Test
    void aBadPromptsFileIsAnErrorNamingTheLineBeforeLoading(@TempDir Path dir) throws IOException {
        Path prompts = dir.resolve("p.jsonl");
        Files.writeString(prompts, "{\"prompt\": \"a red circle\"}\n{\"prompt\": \"a pink elephant\"}\n");
        CliRun r = CliRun.run("eval", "--model", dir.resolve("no-model").toString(), "--prompts", prompts.toString(), "-o", dir.resolve("o.md").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("line 2") && r.err().contains("pink"), r.err());
        assertFalse(Files.exists(dir.resolve("o.md")));
        assertEquals(1, CliRun.run("eval", "--model", MODEL, "--seeds", "0", "-o", dir.resolve("o.md").toString()).code());
    }
}
