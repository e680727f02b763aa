package org.dimba4j.io.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Token ids against the fixtures of tools/fixtures/t5/make_fixtures.py: "sp" is what the sentencepiece library
 * gives (the spiece.model loader must match it), "hf" what transformers' T5Tokenizer / tokenizers gives
 * (the tokenizer.json loader must match it).
 */
class SentencePieceTokenizerTest {

    static Path fixture(String variant) {
        try {
            return Path.of(SentencePieceTokenizerTest.class.getResource("/fixtures/tokenizer/" + variant + "/cases.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertAllCases(String variant, String file, String key) throws IOException {
        Path dir = fixture(variant);
        SentencePieceTokenizer tok = SentencePieceTokenizer.load(dir.resolve(file));
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
        assertTrue(cases.size() >= 300, "fixture has " + cases.size() + " strings");
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String text = c.path("text").asText();
            int[] want = new int[c.path(key).size()];
            for (int i = 0; i < want.length; i++) want[i] = c.path(key).get(i).asInt();
            int[] got = tok.encode(text);
            if (!Arrays.equals(want, got)) {
                failures.add(escape(text) + ": want " + Arrays.toString(want) + " got " + Arrays.toString(got));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " strings differ:\n" + String.join("\n", failures));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) b.append(String.format("\\u%04x", cp));
            else b.appendCodePoint(cp);
        });
        return b.append('"').toString();
    }

    @ParameterizedTest
    @CsvSource({"unigram, spiece.model, sp", "unigram, tokenizer.json, hf",
            "unigram-bytefallback, spiece.model, sp", "unigram-bytefallback, tokenizer.json, hf",
            "unigram, tokenizer-seq-normalizer.json, hf_seq", "unigram-bytefallback, tokenizer-seq-normalizer.json, hf_seq"})
    void idsEqualTheReferenceForEveryFixtureString(String variant, String file, String key) throws IOException {
        assertAllCases(variant, file, key);
    }

    @Test
    void spieceModelAsTransformersMatchesSpecialTokensVerbatim() throws IOException {
        // transformers' T5Tokenizer on a spiece.model: "</s>", "<pad>", "<unk>", "<extra_id_i>" in the text are those
        // tokens ("hf" of the fixture), where the sentencepiece library spells them out ("sp", the plain loader)
        Path dir = fixture("unigram");
        SentencePieceTokenizer tok = SentencePieceTokenizer.loadAsTransformers(dir.resolve("spiece.model"));
        assertTrue(tok.source().endsWith("spiece.model"), tok.source());
        int checked = 0;
        for (JsonNode c : new ObjectMapper().readTree(dir.resolve("cases.json").toFile())) {
            String text = c.path("text").asText();
            if (!text.matches("(?s).*(</s>|<pad>|<unk>|<extra_id_\\d+>).*")) continue;
            int[] want = new int[c.path("hf").size()];
            for (int i = 0; i < want.length; i++) want[i] = c.path("hf").get(i).asInt();
            assertArrayEquals(want, tok.encode(text), escape(text));
            checked++;
        }
        assertTrue(checked >= 4, "special-token strings in the fixture: " + checked);
        assertArrayEquals(new int[] {599, 75, 598, 1}, tok.encode("<extra_id_0> cat <extra_id_1>"));
    }

    @Test
    void folderPrefersTokenizerJsonAndReadsSpecialIds() {
        SentencePieceTokenizer tok = SentencePieceTokenizer.load(fixture("unigram"));
        assertTrue(tok.source().endsWith("tokenizer.json"), tok.source());
        assertEquals(1, tok.eosId());
        assertEquals(0, tok.padId());
        assertEquals("</s>", tok.piece(1));
        assertArrayEquals(new int[] {1}, tok.encode(""));
        SentencePieceTokenizer sp = SentencePieceTokenizer.load(fixture("unigram").resolve("spiece.model"));
        assertEquals(500, sp.vocabSize());
        assertEquals(1, sp.eosId());
        assertEquals(0, sp.padId());
    }

    @Test
    void batchPadsMasksAndTruncatesKeepingEosWithAWarning() {
        SentencePieceTokenizer tok = SentencePieceTokenizer.load(fixture("unigram").resolve("spiece.model"));
        String longText = "a photo of a cat sitting on a red chair under the tree at night";
        int[] full = tok.encode(longText);
        int[] shortIds = tok.encode("cat");
        assertTrue(full.length > 6);

        // the warning goes to the library's System.Logger (java.util.logging underneath), not to stderr directly
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(SentencePieceTokenizer.class.getName());
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) { records.add(r); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        log.addHandler(capture);
        TokenBatch b;
        try {
            b = tok.batch(List.of(longText, "cat", ""), 6, false);
        } finally {
            log.removeHandler(capture);
        }
        assertEquals(1, records.size(), "one warning, for the one long text");
        assertEquals(java.util.logging.Level.WARNING, records.get(0).getLevel());
        assertTrue(records.get(0).getMessage().contains("truncated to 6"), records.get(0).getMessage());
        assertEquals(3, b.batchSize());
        assertEquals(6, b.length());
        long[] want0 = new long[6];
        for (int i = 0; i < 5; i++) want0[i] = full[i];
        want0[5] = 1;
        assertArrayEquals(want0, b.ids()[0]);
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1}, b.mask()[0]);
        for (int i = 0; i < 6; i++) {
            assertEquals(i < shortIds.length ? shortIds[i] : 0, b.ids()[1][i]);
            assertEquals(i < shortIds.length ? 1 : 0, b.mask()[1][i]);
        }
        assertArrayEquals(new long[] {1, 0, 0, 0, 0, 0}, b.ids()[2]);
        assertEquals(1, b.tokenCount(2));

        TokenBatch padded = tok.batch(List.of("cat"), SentencePieceTokenizer.DEFAULT_MAX_LENGTH, true);
        assertEquals(300, padded.length());
        Tensor ids = padded.idsTensor(), mask = padded.maskTensor();
        assertEquals(DType.I64, ids.dtype());
        assertArrayEquals(new int[] {1, 300}, ids.shape());
        assertEquals(shortIds.length, Arrays.stream(mask.toLongArray()).sum());
        assertEquals(shortIds[0], ids.toLongArray()[0]);
    }

    @Test
    void badFilesAreNamed(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path junk = tmp.resolve("spiece.model");
        Files.write(junk, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SentencePieceTokenizer.load(junk));
        assertTrue(e.getMessage().contains(junk.toString()), e.getMessage());
        Path bpe = tmp.resolve("tokenizer.json");
        Files.writeString(bpe, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}");
        e = assertThrows(IllegalArgumentException.class, () -> SentencePieceTokenizer.load(bpe));
        assertTrue(e.getMessage().contains("BPE") && e.getMessage().contains(bpe.toString()), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SentencePieceTokenizer.load(tmp.resolve("nothing")));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
    }
}
