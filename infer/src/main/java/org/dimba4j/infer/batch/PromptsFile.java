package org.dimba4j.infer.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a prompts file: JSON Lines, one object per line, {@code {"prompt": ..., "seed", "width", "height", "steps",
 * "guidance", "negative_prompt", "id"}} (all but {@code prompt} optional); blank lines are skipped. The whole file is
 * checked before anything runs: a malformed line, a missing prompt, a field of the wrong type, an unknown field or
 * two lines with the same output name are a {@link BatchFileException} naming the line.
 */
public final class PromptsFile {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("prompt", "seed", "width", "height", "steps", "guidance", "negative_prompt", "id");
    /** An id becomes a file name: no separators, no leading dot (hidden files are the writer's temporaries). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final BigInteger SEED_MIN = BigInteger.ONE.shiftLeft(63).negate();
    private static final BigInteger SEED_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private PromptsFile() {}

    public static List<BatchLine> read(Path file) {
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read prompts file " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    /** Parses lines of JSON; {@code source} names them in errors. */
    public static List<BatchLine> parse(String source, List<String> text) {
        List<BatchLine> lines = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < text.size(); i++) {
            String s = text.get(i).strip();
            if (s.isEmpty()) continue;
            BatchLine line = parseLine(source, i + 1, lines.size(), s);
            Integer other = names.putIfAbsent(line.name(), line.number());
            if (other != null) {
                throw new BatchFileException(source, line.number(), "output name '" + line.name() + "' is already used by line "
                        + other + " (give each line a distinct \"id\")");
            }
            lines.add(line);
        }
        if (lines.isEmpty()) throw new BatchFileException(source, 0, "no prompts (one JSON object per line)");
        return lines;
    }

    /** A JSON text as the prompts file and the manifest read it. */
    public static JsonNode parseJson(String text) throws JsonProcessingException {
        return JSON.readTree(text);
    }

    /** One line, {@code number} 1-based, {@code index} 0-based among the non-blank lines. */
    public static BatchLine parseLine(String source, int number, int index, String s) {
        JsonNode node;
        try {
            node = JSON.readTree(s);
        } catch (JsonProcessingException e) {
            throw new BatchFileException(source, number, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!(node instanceof ObjectNode o)) throw new BatchFileException(source, number, "must be a JSON object, got " + node.getNodeType());
        for (var it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) throw new BatchFileException(source, number, "unknown field \"" + f + "\" (expected " + FIELDS + ")");
        }
        JsonNode p = o.get("prompt");
        if (p == null || p.isNull()) throw new BatchFileException(source, number, "no \"prompt\"");
        if (!p.isTextual()) throw new BatchFileException(source, number, "\"prompt\" must be a string");
        String id = text(source, number, o, "id");
        if (id != null && !ID.matcher(id).matches()) {
            throw new BatchFileException(source, number, "\"id\" '" + id + "' must be 1-128 of A-Z a-z 0-9 . _ - (a file name, not starting with '.')");
        }
        return new BatchLine(number, index, id, p.asText(), text(source, number, o, "negative_prompt"), seed(source, number, o),
                integer(source, number, o, "width"), integer(source, number, o, "height"), integer(source, number, o, "steps"),
                number(source, number, o, "guidance"));
    }

    private static String text(String src, int n, ObjectNode o, String f) {
        JsonNode v = o.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new BatchFileException(src, n, "\"" + f + "\" must be a string");
        return v.asText();
    }

    private static Integer integer(String src, int n, ObjectNode o, String f) {
        JsonNode v = o.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new BatchFileException(src, n, "\"" + f + "\" must be an integer, got " + v);
        return v.intValue();
    }

    private static Double number(String src, int n, ObjectNode o, String f) {
        JsonNode v = o.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw new BatchFileException(src, n, "\"" + f + "\" must be a number, got " + v);
        return v.doubleValue();
    }

    /** A seed as torch.Generator().manual_seed takes it: [-2^63, 2^64-1], kept as its 64 bits. */
    private static Long seed(String src, int n, ObjectNode o) {
        JsonNode v = o.get("seed");
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber()) throw new BatchFileException(src, n, "\"seed\" must be an integer, got " + v);
        BigInteger b = v.bigIntegerValue();
        if (b.compareTo(SEED_MIN) < 0 || b.compareTo(SEED_MAX) > 0) {
            throw new BatchFileException(src, n, "\"seed\" " + b + " is outside torch's seed range [-2^63, 2^64-1]");
        }
        return b.longValue();
    }
}
