package org.dimba4j.io.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a Hugging Face {@code tokenizer.json} whose model is a Unigram (the T5 tokenizers). */
final class TokenizerJsonReader {
    private TokenizerJsonReader() {}

    static SentencePieceTokenizer read(Path path) {
        String source = path.toString();
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer file " + path + ": " + e.getMessage(), e);
        }
        JsonNode model = root.path("model");
        String type = model.path("type").asText();
        if (!type.equals("Unigram")) {
            throw new IllegalArgumentException(source + ": model type '" + type + "' is not Unigram; only SentencePiece Unigram tokenizers are supported");
        }
        JsonNode vocab = model.path("vocab");
        if (!vocab.isArray() || vocab.isEmpty()) throw new IllegalArgumentException(source + ": model.vocab is missing or empty");
        String[] pieces = new String[vocab.size()];
        float[] scores = new float[vocab.size()];
        PieceType[] types = new PieceType[vocab.size()];
        for (int i = 0; i < pieces.length; i++) {
            JsonNode e = vocab.get(i);
            if (!e.isArray() || e.size() != 2) throw new IllegalArgumentException(source + ": model.vocab[" + i + "] is not [piece, score]");
            pieces[i] = e.get(0).asText();
            scores[i] = (float) e.get(1).asDouble();
            types[i] = PieceType.NORMAL;
        }
        if (!model.hasNonNull("unk_id")) throw new IllegalArgumentException(source + ": model.unk_id is missing");
        int unk = model.path("unk_id").asInt();
        if (unk < 0 || unk >= pieces.length) throw new IllegalArgumentException(source + ": unk_id " + unk + " is outside the vocabulary of " + pieces.length);
        types[unk] = PieceType.UNKNOWN;
        UnigramModel unigram = new UnigramModel(pieces, scores, types, unk, UnigramModel.Flavor.TOKENIZERS);

        List<SentencePieceTokenizer.AddedToken> added = new ArrayList<>();
        for (JsonNode a : root.path("added_tokens")) {
            String content = a.path("content").asText();
            if (!content.isEmpty()) added.add(new SentencePieceTokenizer.AddedToken(content, a.path("id").asInt()));
        }
        int eos = unigram.id("</s>");
        if (eos < 0) throw new IllegalArgumentException(source + ": no '</s>' token in the vocabulary");
        int pad = unigram.id("<pad>");
        TokenizersPipeline pipeline = TokenizersPipeline.fromJson(root, source);
        return new SentencePieceTokenizer(unigram, pipeline::apply, model.path("byte_fallback").asBoolean(false),
                added, eos, pad < 0 ? 0 : pad, source);
    }
}
