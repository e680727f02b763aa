package org.dimba4j.io.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A closed-vocabulary tokenizer written by {@link WordUnigramWriter} and read back by the tokenizer.json loader. */
class WordUnigramWriterTest {
    private static final List<String> WORDS = List.of("a", "an", "red", "blue", "circle", "circles", "square", "above",
            "to", "the", "left", "of", "two", "2");

    @Test
    void everyWordIsOnePieceWithT5sSpecialIds(@TempDir Path dir) {
        int size = WordUnigramWriter.write(dir, WORDS, 24);
        SentencePieceTokenizer tok = SentencePieceTokenizer.load(dir);
        assertEquals(size, tok.vocabSize());
        assertEquals(3 + 1 + WORDS.size() + WordUnigramWriter.CHARACTERS.length(), size);
        assertEquals(1, tok.eosId());
        assertEquals(0, tok.padId());
        assertEquals("<unk>", tok.piece(2));
        for (int i = 0; i < WORDS.size(); i++) {
            int[] ids = tok.encode(WORDS.get(i));
            assertArrayEquals(new int[] {4 + i, 1}, ids, WORDS.get(i));
            assertEquals(WordUnigramWriter.SPACE + WORDS.get(i), tok.piece(ids[0]));
        }
        assertArrayEquals(new int[] {1}, tok.encode(""));
    }

    @Test
    void captionsNeedNoUnknownAndCaseAndSpacingDoNotMatter(@TempDir Path dir) {
        WordUnigramWriter.write(dir, WORDS, 24);
        SentencePieceTokenizer tok = SentencePieceTokenizer.load(dir);
        int[] plain = tok.encode("two red circles to the left of a blue square");
        assertEquals(11, plain.length);
        assertArrayEquals(plain, tok.encode("  Two RED circles   to the left of a Blue square "));
        // an unlisted word is spelled out from the fallback characters, never <unk>
        int[] odd = tok.encode("a green circle, above");
        for (int id : odd) assertTrue(id != 2, "no <unk> in " + java.util.Arrays.toString(odd));
        assertEquals(WordUnigramWriter.SPACE, tok.piece(odd[1])); // "▁" then g r e e n
        assertEquals("g", tok.piece(odd[2]));
        assertEquals(",", tok.piece(odd[8])); // "circle," -> ▁circle ,
        assertEquals(WordUnigramWriter.SPACE + "circle", tok.piece(odd[7]));
    }

    @Test
    void writesTheConfigTransformersReads(@TempDir Path dir) throws Exception {
        WordUnigramWriter.write(dir, WORDS, 24);
        String cfg = Files.readString(dir.resolve("tokenizer_config.json"));
        assertTrue(cfg.contains("\"model_max_length\" : 24") && cfg.contains("\"tokenizer_class\" : \"PreTrainedTokenizerFast\""), cfg);
        assertTrue(Files.list(dir).noneMatch(p -> p.toString().endsWith(".tmp")));
    }

    @Test
    void badWordsAreNamed(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class, () -> WordUnigramWriter.write(dir, List.of("red", "Blue"), 8));
        assertTrue(e.getMessage().contains("'Blue'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WordUnigramWriter.write(dir, List.of("to the"), 8));
        assertThrows(IllegalArgumentException.class, () -> WordUnigramWriter.write(dir, List.of(), 8));
    }
}
