package org.dimba4j.io.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The T5 tokenizer: SentencePiece Unigram with {@code </s>} appended, loaded from a {@code spiece.model}
 * (ids exactly as the sentencepiece library gives them) or a Hugging Face {@code tokenizer.json} (ids
 * exactly as the tokenizers library gives them; the two differ only on rare inputs such as stacked
 * combining marks).
 */
public final class SentencePieceTokenizer {
    private static final System.Logger LOG = System.getLogger(SentencePieceTokenizer.class.getName());

    /** The caption length of the released Dimba config ({@code model_max_length}). */
    public static final int DEFAULT_MAX_LENGTH = 300;

    /** A token matched verbatim in the raw text before normalization (tokenizer.json {@code added_tokens}). */
    record AddedToken(String content, int id) {}

    private final UnigramModel model;
    private final Function<String, List<String>> preTokenize;
    private final boolean byteFallback;
    private final List<AddedToken> addedTokens;
    private final int eosId;
    private final int padId;
    private final String source;

    SentencePieceTokenizer(UnigramModel model, Function<String, List<String>> preTokenize, boolean byteFallback,
                           List<AddedToken> addedTokens, int eosId, int padId, String source) {
        this.model = model;
        this.preTokenize = preTokenize;
        this.byteFallback = byteFallback;
        this.addedTokens = List.copyOf(addedTokens);
        this.eosId = eosId;
        this.padId = padId;
        this.source = source;
    }

    /** A {@code spiece.model}, a {@code tokenizer.json}, or a folder holding one (tokenizer.json preferred, as AutoTokenizer does). */
    public static SentencePieceTokenizer load(Path path) {
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json"), spiece = path.resolve("spiece.model");
            if (Files.isRegularFile(json)) return TokenizerJsonReader.read(json);
            if (Files.isRegularFile(spiece)) return SpieceModelReader.read(spiece);
            throw new IllegalArgumentException(path + ": folder has neither tokenizer.json nor spiece.model");
        }
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException(path + ": no such tokenizer file or folder");
        if (path.getFileName().toString().endsWith(".json")) return TokenizerJsonReader.read(path);
        return SpieceModelReader.read(path);
    }

    /**
     * As {@link #load}, but a {@code spiece.model} is read the way transformers' {@code T5Tokenizer} reads it (and
     * the official Dimba code tokenizes captions with): {@code <pad>}, {@code </s>}, {@code <unk>} and the
     * {@code <extra_id_i>} sentinels written in the text are those tokens, not spelled out piece by piece as the
     * sentencepiece library does. A tokenizer.json carries its own added tokens, so it reads the same either way.
     */
    public static SentencePieceTokenizer loadAsTransformers(Path path) {
        Path spiece = Files.isDirectory(path) && !Files.isRegularFile(path.resolve("tokenizer.json")) ? path.resolve("spiece.model") : path;
        if (Files.isRegularFile(spiece) && !spiece.getFileName().toString().endsWith(".json")) {
            return SpieceModelReader.read(spiece, true);
        }
        return load(path);
    }

    public int vocabSize() {
        return model.size();
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    public String source() {
        return source;
    }

    /** The piece of an id (for debugging and `tokenize`-style tools). */
    public String piece(int id) {
        return model.piece(id);
    }

    /** Token ids of {@code text} with {@code </s>} appended; the empty string gives just {@code </s>}. */
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        encodeWithAddedTokens(text, ids);
        ids.add(eosId);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private void encodeWithAddedTokens(String text, List<Integer> ids) {
        int pos = 0;
        while (pos < text.length()) {
            // leftmost, then longest added token
            int bestAt = -1;
            AddedToken best = null;
            for (AddedToken a : addedTokens) {
                int at = text.indexOf(a.content(), pos);
                if (at >= 0 && (bestAt < 0 || at < bestAt || (at == bestAt && a.content().length() > best.content().length()))) {
                    bestAt = at;
                    best = a;
                }
            }
            if (best == null) break;
            encodeSegment(text.substring(pos, bestAt), ids);
            ids.add(best.id());
            pos = bestAt + best.content().length();
        }
        encodeSegment(text.substring(pos), ids);
    }

    private void encodeSegment(String text, List<Integer> ids) {
        if (text.isEmpty()) return;
        for (String word : preTokenize.apply(text)) {
            StringBuilder unknown = new StringBuilder();
            for (UnigramModel.Piece p : model.viterbi(word)) {
                if (p.id() == model.unkId()) {
                    unknown.append(p.text()); // consecutive unknown characters become one <unk> (or one run of bytes)
                    continue;
                }
                flushUnknown(unknown, ids);
                ids.add(p.id());
            }
            flushUnknown(unknown, ids);
        }
    }

    private void flushUnknown(StringBuilder unknown, List<Integer> ids) {
        if (unknown.isEmpty()) return;
        // tokenizers looks a fused run up in the vocabulary first: the literal text "<unk>" is the unk piece itself
        int direct = model.flavor() == UnigramModel.Flavor.TOKENIZERS ? model.id(unknown.toString()) : -1;
        if (direct >= 0) {
            ids.add(direct);
            unknown.setLength(0);
            return;
        }
        int[] bytes = byteFallback ? model.byteIds(unknown.toString()) : null;
        if (bytes != null) {
            for (int b : bytes) ids.add(b);
        } else {
            ids.add(model.unkId());
        }
        unknown.setLength(0);
    }

    /**
     * Ids of {@code text}, cut to at most {@code maxLength} tokens with {@code </s>} kept last (as transformers
     * truncates); a cut logs a warning, once per distinct text (a training loop encodes the same captions
     * every epoch).
     */
    public int[] encode(String text, int maxLength) {
        if (maxLength < 1) throw new IllegalArgumentException("max length must be at least 1, got " + maxLength);
        int[] ids = encode(text);
        if (ids.length <= maxLength) return ids;
        if (warnedTruncations.size() < MAX_REMEMBERED_WARNINGS && warnedTruncations.add(text)) LOG.log(System.Logger.Level.WARNING, "prompt of " + ids.length + " tokens truncated to " + maxLength
                + " (max length): \"" + abbreviate(text) + "\"");
        int[] cut = Arrays.copyOf(ids, maxLength);
        cut[maxLength - 1] = eosId;
        return cut;
    }

    private static final int MAX_REMEMBERED_WARNINGS = 1024;
    private final java.util.Set<String> warnedTruncations = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /**
     * A padded batch: each text truncated to {@code maxLength} (with a warning), then padded with {@code <pad>}
     * to {@code maxLength} if {@code padToMaxLength}, else to the longest text.
     */
    public TokenBatch batch(List<String> texts, int maxLength, boolean padToMaxLength) {
        int[][] enc = new int[texts.size()][];
        int longest = 0;
        for (int i = 0; i < enc.length; i++) {
            enc[i] = encode(texts.get(i), maxLength);
            longest = Math.max(longest, enc[i].length);
        }
        int len = padToMaxLength ? maxLength : longest;
        long[][] ids = new long[enc.length][len];
        long[][] mask = new long[enc.length][len];
        for (int i = 0; i < enc.length; i++) {
            Arrays.fill(ids[i], padId);
            for (int j = 0; j < enc[i].length; j++) {
                ids[i][j] = enc[i][j];
                mask[i][j] = 1;
            }
        }
        return new TokenBatch(ids, mask);
    }
}
