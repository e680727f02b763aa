package org.dimba4j.io.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Normalization exactly as the sentencepiece library's {@code Normalizer::Normalize}: the precompiled rules
 * are applied to the UTF-8 bytes by longest match, leading spaces are dropped, a dummy "▁" prefix is added,
 * runs of spaces collapse to one, spaces become "▁" and trailing "▁"s are removed. Only an ASCII space counts
 * as a space here: the nmt_nfkc rules have already mapped tabs, newlines and other spaces to it.
 */
final class SentencePieceNormalizer {
    static final String SPACE_SYMBOL = "\u2581";

    private final NormalizerSpec spec;

    SentencePieceNormalizer(NormalizerSpec spec) {
        this.spec = spec;
    }

    /** The normalized form of one prefix of the input: its replacement and how many input bytes it consumed. */
    private record Prefix(String text, int consumed) {}

    private Prefix normalizePrefix(byte[] in, int from) {
        PrecompiledCharsMap.Match m = spec.charsMap() == null ? null : spec.charsMap().longest(in, from, in.length);
        if (m != null) return new Prefix(spec.charsMap().replacement(m.value()), m.length());
        // no rule: copy one UTF-8 character (Java strings encode to valid UTF-8, so no U+FFFD case here)
        int len = utf8Length(in[from]);
        len = Math.min(len, in.length - from);
        return new Prefix(new String(in, from, len, StandardCharsets.UTF_8), len);
    }

    static int utf8Length(byte lead) {
        int b = lead & 0xFF;
        if (b < 0x80) return 1;
        if (b >= 0xF0) return 4;
        if (b >= 0xE0) return 3;
        if (b >= 0xC0) return 2;
        return 1;
    }

    String normalize(String text) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        int pos = 0;
        if (spec.removeExtraWhitespaces()) {
            while (pos < in.length) {
                Prefix p = normalizePrefix(in, pos);
                if (!p.text().equals(" ")) break;
                pos += p.consumed();
            }
        }
        if (pos >= in.length) return "";
        StringBuilder out = new StringBuilder(text.length() + 8);
        String space = spec.escapeWhitespaces() ? SPACE_SYMBOL : " ";
        if (spec.addDummyPrefix()) out.append(space);
        boolean prevSpace = spec.removeExtraWhitespaces();
        while (pos < in.length) {
            Prefix p = normalizePrefix(in, pos);
            pos += p.consumed();
            String s = p.text();
            int start = 0;
            if (prevSpace) {
                while (start < s.length() && s.charAt(start) == ' ') start++;
            }
            if (start < s.length()) {
                for (int i = start; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == ' ') out.append(space);
                    else out.append(c);
                }
                prevSpace = s.charAt(s.length() - 1) == ' ';
            }
        }
        if (spec.removeExtraWhitespaces()) {
            while (out.length() >= space.length() && out.lastIndexOf(space) == out.length() - space.length()) {
                out.setLength(out.length() - space.length());
            }
        }
        return out.toString();
    }
}
