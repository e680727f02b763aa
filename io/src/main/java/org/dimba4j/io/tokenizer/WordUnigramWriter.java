package org.dimba4j.io.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes a T5-style SentencePiece Unigram tokenizer for a closed vocabulary: a Hugging Face {@code tokenizer.json}
 * (what {@link SentencePieceTokenizer#load} and the tokenizers library read) and its {@code tokenizer_config.json}.
 *
 * <p>Ids as T5's: {@code <pad>} 0, {@code </s>} 1, {@code <unk>} 2; then {@code ▁} and one piece {@code ▁word} per word,
 * then the single characters a-z, 0-9 and {@code , . ' -} as a fallback. Unigram picks the segmentation with the highest
 * summed log-probability, so with every word at log(1 / words) and every character far below it, a listed word is always
 * one token and an unlisted one is spelled out rather than lost to {@code <unk>}. The normalizer lower-cases after NFKC
 * (a closed vocabulary has no reason to tell "Red" from "red"); the pre-tokenizer and post-processor are T5's
 * (whitespace split, Metaspace with a prepended {@code ▁}, {@code </s>} appended). The config names
 * {@code PreTrainedTokenizerFast}: transformers' {@code T5Tokenizer} class would rebuild T5's own normalizer and
 * tokenize "Red" differently from this file; the fast class uses the file as written, as dimba4j does.
 */
public final class WordUnigramWriter {
    public static final String SPACE = "\u2581";
    /** Fallback characters: every one is a piece, so a caption made of them never needs {@code <unk>}. */
    public static final String CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789,.'-";
    private static final float CHARACTER_SCORE = -20f;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WordUnigramWriter() {}

    /**
     * Writes {@code dir/tokenizer.json} and {@code dir/tokenizer_config.json} for {@code words} (lower-case, no
     * whitespace; duplicates kept once, in first-seen order). Returns the vocabulary size.
     */
    public static int write(Path dir, List<String> words, int modelMaxLength) {
        Set<String> vocab = vocabulary(words);
        if (modelMaxLength < 2) throw new IllegalArgumentException("model_max_length must be at least 2, not " + modelMaxLength);
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] special = {"<pad>", "</s>", "<unk>"};
        for (int i = 0; i < special.length; i++) {
            ObjectNode t = added.addObject();
            t.put("id", i).put("content", special[i]).put("single_word", false).put("lstrip", false).put("rstrip", false)
                    .put("normalized", false).put("special", true);
        }
        ObjectNode norm = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode norms = norm.putArray("normalizers");
        norms.addObject().put("type", "NFKC");
        norms.addObject().put("type", "Lowercase");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode pres = pre.putArray("pretokenizers");
        pres.addObject().put("type", "WhitespaceSplit");
        pres.addObject().put("type", "Metaspace").put("replacement", SPACE).put("prepend_scheme", "always").put("split", true);
        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "</s>").put("type_id", 0);
        ObjectNode eos = post.putObject("special_tokens").putObject("</s>");
        eos.put("id", "</s>");
        eos.putArray("ids").add(1);
        eos.putArray("tokens").add("</s>");
        root.putObject("decoder").put("type", "Metaspace").put("replacement", SPACE).put("prepend_scheme", "always").put("split", true);
        ObjectNode model = root.putObject("model").put("type", "Unigram").put("unk_id", 2);
        ArrayNode pieces = model.putArray("vocab");
        for (String s : special) pieces.addArray().add(s).add(0.0);
        float wordScore = (float) -Math.log(vocab.size() + 1);
        pieces.addArray().add(SPACE).add(wordScore);
        for (String w : vocab) pieces.addArray().add(SPACE + w).add(wordScore);
        for (char ch : CHARACTERS.toCharArray()) pieces.addArray().add(String.valueOf(ch)).add(CHARACTER_SCORE);
        model.put("byte_fallback", false);

        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", "PreTrainedTokenizerFast").put("eos_token", "</s>").put("pad_token", "<pad>")
                .put("unk_token", "<unk>").put("extra_ids", 0).put("model_max_length", modelMaxLength)
                .put("_dimba4j_note", "closed-vocabulary Unigram written by dimba4j (WordUnigramWriter), " + vocab.size() + " words");
        try {
            Files.createDirectories(dir);
            atomicWrite(dir.resolve("tokenizer.json"), JSON.writeValueAsString(root));
            atomicWrite(dir.resolve("tokenizer_config.json"), JSON.writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tokenizer in " + dir + ": " + e.getMessage(), e);
        }
        return special.length + 1 + vocab.size() + CHARACTERS.length();
    }

    private static Set<String> vocabulary(List<String> words) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : words) {
            if (w.isEmpty() || !w.equals(w.toLowerCase(Locale.ROOT)) || w.chars().anyMatch(TokenizersPipeline::isWhitespace)
                    || w.contains(SPACE)) {
                throw new IllegalArgumentException("tokenizer word '" + w + "' must be non-empty, lower-case and without spaces");
            }
            out.add(w);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("the tokenizer needs at least one word");
        return out;
    }

    private static void atomicWrite(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, text + "\n");
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
