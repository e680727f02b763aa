package org.dimba4j.io.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Unigram language model of SentencePiece: the segmentation of a normalized string that maximises the
 * sum of piece log-probabilities (Viterbi over the lattice of vocabulary pieces). A character no piece of
 * length one covers becomes an unknown node scored {@code minScore - 10}. Ties keep the first candidate
 * found, as both references do (the longest piece ending at a position, found from the leftmost start).
 *
 * <p>Two flavours differ in small ways, each reproduced so the ids match that implementation exactly:
 * {@link Flavor#SENTENCEPIECE} (the C++ library: float scores, only normal/user-defined pieces in the
 * lattice, user-defined pieces boosted) and {@link Flavor#TOKENIZERS} (Hugging Face tokenizers: double
 * scores, every vocabulary entry in the lattice).
 */
final class UnigramModel {
    enum Flavor { SENTENCEPIECE, TOKENIZERS }

    static final float UNK_PENALTY = 10f;

    private static final class Node {
        final Map<Integer, Node> next = new HashMap<>(4);
        int id = -1;
    }

    /** One piece of a segmentation: its text and id (the unknown id for unknown characters). */
    record Piece(String text, int id) {}

    private final String[] pieces;
    private final float[] scores;
    private final PieceType[] types;
    private final int unkId;
    private final Flavor flavor;
    private final Node root = new Node();
    private final Map<String, Integer> ids = new HashMap<>();
    private final double unkScore;
    private final double maxScore;

    UnigramModel(String[] pieces, float[] scores, PieceType[] types, int unkId, Flavor flavor) {
        this.pieces = pieces;
        this.scores = scores;
        this.types = types;
        this.unkId = unkId;
        this.flavor = flavor;
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (int i = 0; i < pieces.length; i++) {
            // tokenizers keeps the first id of a duplicated piece; sentencepiece rejects duplicates when it trains
            ids.putIfAbsent(pieces[i], i);
            boolean inLattice = flavor == Flavor.TOKENIZERS
                    || types[i] == PieceType.NORMAL || types[i] == PieceType.USER_DEFINED || types[i] == PieceType.UNUSED;
            if (inLattice && !pieces[i].isEmpty()) insert(pieces[i], i);
            if (flavor == Flavor.TOKENIZERS || types[i] == PieceType.NORMAL) {
                min = Math.min(min, scores[i]);
                max = Math.max(max, scores[i]);
            }
        }
        this.unkScore = flavor == Flavor.SENTENCEPIECE ? (double) (min - UNK_PENALTY) : (double) min - UNK_PENALTY;
        this.maxScore = max;
    }

    private void insert(String piece, int id) {
        Node n = root;
        for (int i = 0; i < piece.length(); ) {
            int cp = piece.codePointAt(i);
            n = n.next.computeIfAbsent(cp, k -> new Node());
            i += Character.charCount(cp);
        }
        if (n.id < 0) n.id = id;
    }

    int size() {
        return pieces.length;
    }

    String piece(int id) {
        return pieces[id];
    }

    /** The id of a piece, or -1. */
    int id(String piece) {
        return ids.getOrDefault(piece, -1);
    }

    Flavor flavor() {
        return flavor;
    }

    int unkId() {
        return unkId;
    }

    private double score(int id, int lengthInChars) {
        if (flavor == Flavor.SENTENCEPIECE && types[id] == PieceType.USER_DEFINED) {
            return (float) (lengthInChars * maxScore + 1.0); // sentencepiece always prefers user-defined symbols
        }
        return scores[id];
    }

    /** The best segmentation of {@code text} (already normalized), left to right. */
    List<Piece> viterbi(String text) {
        int[] cps = text.codePoints().toArray();
        int n = cps.length;
        double[] best = new double[n + 1];
        int[] from = new int[n + 1];
        int[] via = new int[n + 1];
        java.util.Arrays.fill(from, -1);
        for (int start = 0; start < n; start++) {
            if (start > 0 && from[start] < 0) continue; // unreachable (cannot happen: unknown nodes cover every char)
            boolean hasSingle = false;
            Node node = root;
            for (int end = start; end < n; end++) {
                node = node.next.get(cps[end]);
                if (node == null) break;
                if (node.id < 0) continue;
                int id = node.id;
                if (flavor == Flavor.SENTENCEPIECE && types[id] == PieceType.UNUSED) continue;
                int len = end + 1 - start;
                relax(best, from, via, start, end + 1, id, score(id, len));
                if (len == 1) hasSingle = true;
            }
            if (!hasSingle) relax(best, from, via, start, start + 1, unkId, unkScore);
        }
        List<Piece> out = new ArrayList<>();
        for (int end = n; end > 0; end = from[end]) {
            out.add(new Piece(new String(cps, from[end], end - from[end]), via[end]));
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private void relax(double[] best, int[] from, int[] via, int start, int end, int id, double score) {
        double cand = best[start] + score;
        if (flavor == Flavor.SENTENCEPIECE) cand = (float) cand; // the C++ lattice adds in float
        if (from[end] < 0 || cand > best[end]) {
            best[end] = cand;
            from[end] = start;
            via[end] = id;
        }
    }

    /** The ids of the byte pieces {@code <0xXX>} for the UTF-8 bytes of {@code text}, or null if one is missing. */
    int[] byteIds(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            int id = id(String.format("<0x%02X>", bytes[i] & 0xFF));
            if (id < 0) return null;
            out[i] = id;
        }
        return out;
    }
}
