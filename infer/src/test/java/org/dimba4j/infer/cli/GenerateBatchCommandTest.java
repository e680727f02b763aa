package org.dimba4j.infer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba generate-batch} on the tiny reference model: bytes, shards, resuming, validation. */
class GenerateBatchCommandTest {
    private static final String MODEL = Path.of("../models/tiny-reference").toString();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Five lines (one blank): an id, a size, a negative prompt and guidance, defaults; seeds given and from --seed. */
    private static final List<String> PROMPTS = List.of(
            "{\"prompt\": \"a red fox in the snow\", \"seed\": 42, \"id\": \"fox\"}",
            "{\"prompt\": \"a castle\", \"seed\": 7, \"width\": 32, \"height\": 48}",
            "",
            "{\"prompt\": \"a lighthouse\", \"negative_prompt\": \"fog\", \"guidance\": 2.0, \"steps\": 4}",
            "{\"prompt\": \"a bowl of fruit\"}");

    @TempDir
    static Path shared;
    static Path prompts;
    static Path reference; // the unsharded run, made once

    @BeforeAll
    static void referenceRun() throws IOException {
        prompts = Files.write(shared.resolve("prompts.jsonl"), PROMPTS);
        reference = shared.resolve("all");
        CliRun r = batch(reference);
        assertEquals(0, r.code(), r.err());
    }

    private static CliRun batch(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("generate-batch", "--prompts", prompts.toString(), "-o", out.toString(),
                "--model", MODEL, "--steps", "3", "--seed", "100", "--device", "cpu"));
        args.addAll(List.of(extra));
        return CliRun.run(args.toArray(String[]::new));
    }

    private static Map<String, byte[]> pngs(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) if (p.getFileName().toString().endsWith(".png")) m.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return m;
    }

    private static Map<String, JsonNode> manifest(Path file) throws IOException {
        Map<String, JsonNode> m = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode e = JSON.readTree(line);
            assertTrue(m.put(e.get("file").asText(), e) == null, "duplicate entry " + line);
        }
        return m;
    }

    private static void assertSameImages(Map<String, byte[]> want, Map<String, byte[]> got) {
        assertEquals(want.keySet(), got.keySet());
        for (String k : want.keySet()) assertArrayEquals(want.get(k), got.get(k), k);
    }

    @Test
    void imagesAreTheBytesOfGenerateAndTheManifestHasEveryParameter(@TempDir Path dir) throws IOException {
        Map<String, byte[]> got = pngs(reference);
        assertEquals(List.of("2.png", "4.png", "5.png", "fox.png"), List.copyOf(got.keySet()));
        Map<String, JsonNode> m = manifest(reference.resolve("results.jsonl"));
        assertEquals(got.keySet(), m.keySet());
        // line 4 (index 2) has no seed: --seed 100 + 2; line 5 (index 3): 103
        assertEquals(102, m.get("4.png").get("seed").asLong());
        assertEquals(103, m.get("5.png").get("seed").asLong());
        assertEquals(48, m.get("2.png").get("height").asInt());
        assertEquals("fog", m.get("4.png").get("negative_prompt").asText());
        assertEquals(4, m.get("4.png").get("steps").asInt());
        assertEquals("fox", m.get("fox.png").get("id").asText());
        assertEquals("tiny-reference", m.get("fox.png").get("model").asText());

        String[][] same = {
                {"fox.png", "--prompt", "a red fox in the snow", "--seed", "42", "--steps", "3"},
                {"2.png", "--prompt", "a castle", "--seed", "7", "--width", "32", "--height", "48", "--steps", "3"},
                {"4.png", "--prompt", "a lighthouse", "--negative-prompt", "fog", "--guidance", "2.0", "--seed", "102", "--steps", "4"},
                {"5.png", "--prompt", "a bowl of fruit", "--seed", "103", "--steps", "3"}};
        for (String[] s : same) {
            List<String> args = new ArrayList<>(List.of("generate", "--model", MODEL, "--device", "cpu", "-o", dir.resolve(s[0]).toString()));
            args.addAll(List.of(s).subList(1, s.length));
            CliRun r = CliRun.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(Files.readAllBytes(dir.resolve(s[0])), got.get(s[0]), s[0] + " vs dimba generate");
        }
    }

    @Test
    void shardsTogetherAreTheUnshardedRun(@TempDir Path dir) throws IOException {
        CliRun a = batch(dir, "--shard", "0/2"), b = batch(dir, "--shard", "1/2");
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        assertSameImages(pngs(reference), pngs(dir));
        Map<String, JsonNode> m0 = manifest(dir.resolve("results-0-of-2.jsonl")), m1 = manifest(dir.resolve("results-1-of-2.jsonl"));
        assertEquals(List.of("4.png", "fox.png"), List.copyOf(m0.keySet())); // indices 0 and 2
        assertEquals(List.of("2.png", "5.png"), List.copyOf(m1.keySet()));
        Map<String, JsonNode> union = new TreeMap<>(m0);
        union.putAll(m1);
        assertEquals(manifest(reference.resolve("results.jsonl")), union);
    }

    @Test
    void aRerunAfterACrashCompletesTheSetWithoutDuplicates(@TempDir Path dir) throws IOException {
        assertEquals(0, batch(dir).code());
        Path results = dir.resolve("results.jsonl");
        List<String> lines = Files.readAllLines(results);
        assertEquals(4, lines.size());
        // the crash: the last image renamed but its manifest line never appended, and its file damaged to prove it
        // is not trusted; the one before it left as a hidden partial only; a torn manifest line at the end
        String last = JSON.readTree(lines.get(3)).get("file").asText(), before = JSON.readTree(lines.get(2)).get("file").asText();
        Files.write(dir.resolve(last), new byte[] {1, 2, 3});
        Files.move(dir.resolve(before), dir.resolve("." + before + ".partial-1234-1"));
        Files.writeString(results, String.join("\n", lines.subList(0, 2)) + "\n" + lines.get(2).substring(0, 20));
        Files.writeString(dir.resolve(".fox.png.partial-99-1"), "half");

        CliRun r = batch(dir);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("2 done, 2 to generate"), r.err());
        assertSameImages(pngs(reference), pngs(dir));
        assertEquals(manifest(reference.resolve("results.jsonl")), manifest(results));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(), "partials left");
        }
        CliRun again = batch(dir);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("4 done, 0 to generate"), again.err());
    }

    @Test
    void aFinishedImageWithOtherParametersIsAnError(@TempDir Path dir) throws IOException {
        assertEquals(0, batch(dir, "--shard", "0/2").code());
        CliRun r = batch(dir, "--shard", "0/2", "--guidance", "3.0"); // line 4 has its own guidance; fox.png takes the default
        assertEquals(2, r.code());
        assertTrue(r.err().contains("fox.png (line 1) was made with other parameters"), r.err());
    }

    @Test
    void theWholeFileIsCheckedFirstNamingTheLine(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        String[][] cases = {
                {"{\"prompt\": \"ok\"}\n{\"prompt\": \"x\",}", "line 2: not valid JSON"},
                {"{\"prompt\": \"ok\"}\n\n{\"seed\": 3}", "line 3: no \"prompt\""},
                {"{\"prompt\": \"ok\", \"width\": 50}", "line 1: \"width\" 50 must be a positive multiple of 16"},
                {"{\"prompt\": \"ok\", \"width\": 1048576}", "line 1: \"width\""},
                {"{\"prompt\": \"a\", \"id\": \"x\"}\n{\"prompt\": \"b\", \"id\": \"x\"}", "line 2: output name 'x' is already used by line 1"},
                {"{\"prompt\": \"a\", \"id\": \"../x\"}", "line 1: \"id\" '../x' must be"},
                {"{\"prompt\": \"a\", \"steps\": 0}", "line 1: \"steps\" 0 must be between 1 and 1000"},
                {"{\"prompt\": \"a\", \"colour\": 1}", "line 1: unknown field \"colour\""}};
        for (String[] c : cases) {
            Path f = Files.writeString(dir.resolve("p.jsonl"), c[0]);
            CliRun r = CliRun.run("generate-batch", "--prompts", f.toString(), "-o", out.toString(), "--model", MODEL);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(f + " " + c[1]), c[1] + " in: " + r.err());
            assertFalse(r.err().contains("loaded"), r.err());
        }
        CliRun r = CliRun.run("generate-batch", "--prompts", prompts.toString(), "-o", out.toString(), "--model", MODEL, "--shard", "2/2");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("shard index 2 must be in 0..1"), r.err());
        assertFalse(Files.exists(out), "nothing is written for a bad file");
    }
}
