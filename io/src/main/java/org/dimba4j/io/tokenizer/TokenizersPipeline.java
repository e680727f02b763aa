package org.dimba4j.io.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The text side of a Hugging Face tokenizer.json (normalizer, then pre-tokenizer) for the components a T5
 * Unigram tokenizer uses: {@code Precompiled}, {@code NFKC}/{@code NFC}/..., {@code Replace} (string
 * or regex pattern), {@code Strip}, {@code Lowercase}, {@code Sequence}; {@code WhitespaceSplit}, {@code Metaspace},
 * {@code Sequence}. Anything else is rejected by name rather than silently ignored.
 */
final class TokenizersPipeline {
    private final UnaryOperator<String> normalizer;
    private final List<PreTokenizer> preTokenizers;

    private interface PreTokenizer {
        List<String> split(List<String> words);
    }

    private TokenizersPipeline(UnaryOperator<String> normalizer, List<PreTokenizer> preTokenizers) {
        this.normalizer = normalizer;
        this.preTokenizers = preTokenizers;
    }

    static TokenizersPipeline fromJson(JsonNode root, String source) {
        UnaryOperator<String> norm = normalizer(root.path("normalizer"), source);
        List<PreTokenizer> pre = new ArrayList<>();
        preTokenizer(root.path("pre_tokenizer"), source, pre);
        return new TokenizersPipeline(norm, pre);
    }

    /** The words the Unigram model segments, one by one. */
    List<String> apply(String text) {
        List<String> words = new ArrayList<>();
        words.add(normalizer.apply(text));
        for (PreTokenizer p : preTokenizers) words = p.split(words);
        words.removeIf(String::isEmpty);
        return words;
    }

    // ---- normalizers --------------------------------------------------------------------------------

    private static UnaryOperator<String> normalizer(JsonNode n, String source) {
        if (n.isMissingNode() || n.isNull()) return s -> s;
        String type = n.path("type").asText();
        return switch (type) {
            case "Precompiled" -> {
                String b64 = n.path("precompiled_charsmap").asText("");
                if (b64.isEmpty()) yield s -> s;
                PrecompiledCharsMap map = PrecompiledCharsMap.parse(java.util.Base64.getDecoder().decode(b64), source);
                yield s -> precompiledByGrapheme(map, s);
            }
            case "NFKC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFKD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "NFD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
            case "Strip" -> {
                boolean left = n.path("left").asBoolean(true), right = n.path("right").asBoolean(true);
                yield s -> strip(s, left, right);
            }
            case "Replace" -> {
                JsonNode pattern = n.path("pattern");
                String to = n.path("content").asText();
                if (pattern.has("String")) {
                    String from = pattern.path("String").asText();
                    yield s -> s.replace(from, to);
                }
                if (pattern.has("Regex")) {
                    // the patterns converters write (" {2,}") mean the same in java.util.regex as in Oniguruma
                    java.util.regex.Pattern re = java.util.regex.Pattern.compile(pattern.path("Regex").asText());
                    String replacement = java.util.regex.Matcher.quoteReplacement(to);
                    yield s -> re.matcher(s).replaceAll(replacement);
                }
                throw new IllegalArgumentException(source + ": Replace normalizer needs a String or Regex pattern, got " + pattern);
            }
            case "Sequence" -> {
                List<UnaryOperator<String>> parts = new ArrayList<>();
                for (JsonNode c : n.path("normalizers")) parts.add(normalizer(c, source));
                yield s -> {
                    for (UnaryOperator<String> p : parts) s = p.apply(s);
                    return s;
                };
            }
            default -> throw new IllegalArgumentException(source + ": unsupported normalizer type '" + type + "'");
        };
    }

    /**
     * The {@code Precompiled} normalizer of tokenizers, which differs from sentencepiece's byte-wise longest
     * match: it walks extended grapheme clusters; a cluster shorter than 6 UTF-8 bytes is replaced whole by the
     * shortest rule matching its start (the rest of the cluster is dropped), otherwise each character is
     * replaced on its own.
     */
    static String precompiledByGrapheme(PrecompiledCharsMap map, String s) {
        StringBuilder out = new StringBuilder(s.length());
        BreakIterator it = BreakIterator.getCharacterInstance(Locale.ROOT);
        it.setText(s);
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String g = s.substring(start, end);
            byte[] gb = g.getBytes(StandardCharsets.UTF_8);
            if (gb.length < 6) {
                List<PrecompiledCharsMap.Match> m = map.commonPrefixSearch(gb, 0, gb.length);
                if (!m.isEmpty()) {
                    out.append(map.replacement(m.getFirst().value()));
                    continue;
                }
            }
            for (int i = 0; i < g.length(); ) {
                int cp = g.codePointAt(i);
                String c = new String(Character.toChars(cp));
                byte[] cb = c.getBytes(StandardCharsets.UTF_8);
                List<PrecompiledCharsMap.Match> m = map.commonPrefixSearch(cb, 0, cb.length);
                out.append(m.isEmpty() ? c : map.replacement(m.getFirst().value()));
                i += Character.charCount(cp);
            }
        }
        return out.toString();
    }

    private static String strip(String s, boolean left, boolean right) {
        int a = 0, b = s.length();
        while (left && a < b && isWhitespace(s.charAt(a))) a++;
        while (right && b > a && isWhitespace(s.charAt(b - 1))) b--;
        return s.substring(a, b);
    }

    /** Unicode White_Space, as Rust's {@code char::is_whitespace} (Java's isWhitespace differs). */
    static boolean isWhitespace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    // ---- pre-tokenizers -----------------------------------------------------------------------------

    private static void preTokenizer(JsonNode n, String source, List<PreTokenizer> out) {
        if (n.isMissingNode() || n.isNull()) return;
        String type = n.path("type").asText();
        switch (type) {
            case "Sequence" -> {
                for (JsonNode c : n.path("pretokenizers")) preTokenizer(c, source, out);
            }
            case "WhitespaceSplit" -> out.add(TokenizersPipeline::whitespaceSplit);
            case "Metaspace" -> {
                String replacement = n.path("replacement").asText(SentencePieceNormalizer.SPACE_SYMBOL);
                String scheme = n.has("prepend_scheme") ? n.path("prepend_scheme").asText()
                        : (n.path("add_prefix_space").asBoolean(true) ? "always" : "never");
                boolean split = n.path("split").asBoolean(true);
                out.add(words -> metaspace(words, replacement, scheme, split));
            }
            default -> throw new IllegalArgumentException(source + ": unsupported pre_tokenizer type '" + type + "'");
        }
    }

    private static List<String> whitespaceSplit(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            int i = 0, n = w.length();
            while (i < n) {
                while (i < n && isWhitespace(w.charAt(i))) i++;
                int start = i;
                while (i < n && !isWhitespace(w.charAt(i))) i++;
                if (i > start) out.add(w.substring(start, i));
            }
        }
        return out;
    }

    private static List<String> metaspace(List<String> words, String replacement, String scheme, boolean split) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < words.size(); k++) {
            String w = words.get(k).replace(" ", replacement);
            boolean prepend = switch (scheme) {
                case "always" -> true;
                case "first" -> k == 0;
                default -> false;
            };
            if (prepend && !w.startsWith(replacement)) w = replacement + w;
            if (!split) {
                out.add(w);
                continue;
            }
            // split before every replacement character, keeping it at the start of the next piece
            int start = 0;
            for (int i = w.indexOf(replacement, 1); i >= 0; i = w.indexOf(replacement, i + replacement.length())) {
                out.add(w.substring(start, i));
                start = i;
            }
            out.add(w.substring(start));
        }
        return out;
    }
}
