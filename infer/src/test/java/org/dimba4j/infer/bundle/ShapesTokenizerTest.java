package org.dimba4j.infer.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.tokenizer.SentencePieceTokenizer;
import org.dimba4j.io.tokenizer.WordUnigramWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The shapes-64 tokenizer against Hugging Face (tools/fixtures/t5/shapes_tokenizer.py): today's writer writes the
 * fixture's bytes, and dimba4j's ids are those of tokenizers and transformers' AutoTokenizer on the same file.
 */
class ShapesTokenizerTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/tokenizer/shapes-64");

    @Test
    void theWriterWritesTheFixtureAndTheIdsAreHuggingFaces(@TempDir Path tmp) throws Exception {
        WordUnigramWriter.write(tmp, ShapesPreset.WORDS, ShapesPreset.MODEL_MAX_LENGTH);
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            assertEquals(Files.readString(FIXTURE.resolve(f)), Files.readString(tmp.resolve(f)), f + " changed: regenerate the fixture");
        }
        SentencePieceTokenizer tok = SentencePieceTokenizer.load(tmp);
        JsonNode cases = new ObjectMapper().readTree(FIXTURE.resolve("cases.json").toFile());
        assertEquals(10, cases.size());
        for (JsonNode c : cases) {
            int[] want = new int[c.get("ids").size()];
            for (int i = 0; i < want.length; i++) want[i] = c.get("ids").get(i).asInt();
            assertArrayEquals(want, tok.encode(c.get("text").asText()), c.get("text").asText());
        }
    }
}
