package org.dimba4j.infer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.*;

/** The `dimba tokenize` contract (DESIGN.md), checked against the tokenizer fixtures of the io module. */
class TokenizeCommandTest {
    // surefire runs in the module folder; the fixtures live with the tokenizer's own tests
    static final Path FIXTURE = Path.of("../io/src/test/resources/fixtures/tokenizer/unigram");

    static String expectedLine(JsonNode c, String key) {
        StringJoiner j = new StringJoiner(" ");
        for (JsonNode id : c.path(key)) j.add(id.asText());
        return j.toString();
    }

    @Test
    void printsOneLinePerTextLikeTheReference() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(FIXTURE.resolve("cases.json").toFile());
        List<String> args = new ArrayList<>(List.of("tokenize", "--tokenizer", FIXTURE.resolve("spiece.model").toString()));
        StringBuilder want = new StringBuilder();
        int n = 0;
        for (JsonNode c : cases) {
            String text = c.path("text").asText();
            if (text.startsWith("-") || text.contains("\n") || text.contains("\r")) continue; // not an argument/line picocli passes as is
            args.add(text);
            want.append(expectedLine(c, "sp")).append(System.lineSeparator());
            if (++n == 40) break;
        }
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals(want.toString(), r.out());
    }

    @Test
    void spieceModelSplitsSpecialTokensAsTransformersDoes() {
        // T5TokenizerFast.from_pretrained(tiny tokenizer)("text with </s> inside") and (".. <pad> <unk>"): the
        // literal special tokens are ids 1, 0, 2 whether the tokenizer is given as spiece.model or tokenizer.json
        Path tiny = Path.of("../models/tiny-reference/tokenizer");
        String want = "3 6 5 78 6 17 20 13 1 3 12 46 79 65 1" + System.lineSeparator() + "0 2 1" + System.lineSeparator();
        for (String file : new String[] {"spiece.model", "tokenizer.json"}) {
            CliRun r = CliRun.run("tokenize", "--tokenizer", tiny.resolve(file).toString(), "text with </s> inside", "<pad> <unk>");
            assertEquals(0, r.code(), r.err());
            assertEquals(want, r.out(), file);
        }
    }

    @Test
    void inputFileThatIsNotUtf8OrMissingIsNamed(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("latin1.txt");
        Files.write(file, new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'});
        CliRun r = CliRun.run("tokenize", "--tokenizer", FIXTURE.toString(), "--input-file", file.toString());
        assertEquals(1, r.code());
        assertEquals("dimba: error: --input-file " + file + " is not UTF-8 text (invalid byte sequence)", r.err().strip());
        CliRun missing = CliRun.run("tokenize", "--tokenizer", FIXTURE.toString(), "--input-file", tmp.resolve("none.txt").toString());
        assertEquals("dimba: error: --input-file " + tmp.resolve("none.txt") + ": no such file", missing.err().strip());
    }

    @Test
    void emptyStringPrintsOnlyEos() {
        CliRun r = CliRun.run("tokenize", "--tokenizer", FIXTURE.toString(), "");
        assertEquals(0, r.code(), r.err());
        assertEquals("1" + System.lineSeparator(), r.out());
    }

    @Test
    void inputFileGivesOneLinePerLineAndMaxLengthKeepsEosLast(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("prompts.txt");
        Files.writeString(file, "a photo of a cat sitting on a red chair under the tree\n\ncat\n", StandardCharsets.UTF_8);
        CliRun full = CliRun.run("tokenize", "--tokenizer", FIXTURE.resolve("tokenizer.json").toString(), "--input-file", file.toString());
        assertEquals(0, full.code(), full.err());
        String[] lines = full.out().split(System.lineSeparator());
        assertEquals(3, lines.length);
        assertEquals("1", lines[1]);
        String[] longIds = lines[0].split(" ");
        assertTrue(longIds.length > 5);
        assertEquals("1", longIds[longIds.length - 1]);

        CliRun cut = CliRun.run("tokenize", "--tokenizer", FIXTURE.resolve("tokenizer.json").toString(), "--max-length", "5", "--input-file", file.toString());
        assertEquals(0, cut.code(), cut.err());
        String[] cutLines = cut.out().split(System.lineSeparator());
        assertEquals(String.join(" ", longIds[0], longIds[1], longIds[2], longIds[3], "1"), cutLines[0]);
        assertEquals(lines[2], cutLines[2]);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        CliRun both = CliRun.run("tokenize", "--tokenizer", FIXTURE.toString(), "--input-file", "x.txt", "hello");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("not both"), both.err());
        CliRun none = CliRun.run("tokenize", "--tokenizer", FIXTURE.toString());
        assertEquals(2, none.code());
        CliRun badLen = CliRun.run("tokenize", "--tokenizer", FIXTURE.toString(), "--max-length", "0", "hi");
        assertEquals(2, badLen.code());
        assertTrue(badLen.err().contains("--max-length"), badLen.err());
        CliRun missing = CliRun.run("tokenize", "--tokenizer", "no/such/dir", "hi");
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("dimba: error: ") && missing.err().contains("no/such/dir"), missing.err());
    }
}
