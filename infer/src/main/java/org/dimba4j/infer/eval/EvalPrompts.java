package org.dimba4j.infer.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.train.data.shapes.CaptionParser;
import org.dimba4j.train.data.shapes.HeldOut;
import org.dimba4j.train.data.shapes.SceneSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompts of an evaluation with their ground truth: JSON lines {@code {"prompt": ..., "spec": {...}}} as
 * {@code dimba dataset shapes} writes to eval-prompts.jsonl; a line without "spec" has its prompt parsed by the
 * shapes grammar. Without a file, the built-in held-out prompts ({@link HeldOut#evalPrompts()}).
 */
public final class EvalPrompts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalPrompts() {}

    public static List<HeldOut.EvalPrompt> builtIn() {
        return HeldOut.evalPrompts();
    }

    /** Reads and validates every line; an error names the file, the line and what is wrong. */
    public static List<HeldOut.EvalPrompt> read(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("prompts file " + file + " does not exist");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read prompts file " + file + ": " + e.getMessage(), e);
        }
        List<HeldOut.EvalPrompt> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String where = file + " line " + (i + 1);
            try {
                JsonNode n = JSON.readTree(lines.get(i));
                JsonNode prompt = n == null ? null : n.get("prompt");
                if (prompt == null || !prompt.isTextual() || prompt.asText().isBlank()) {
                    throw new IllegalArgumentException("no \"prompt\" string");
                }
                JsonNode spec = n.get("spec");
                out.add(new HeldOut.EvalPrompt(prompt.asText(), spec == null ? CaptionParser.parse(prompt.asText()) : SceneSpec.fromJson(spec)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + ": malformed JSON (" + e.getOriginalMessage() + ")");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("prompts file " + file + " holds no prompt");
        return out;
    }
}
