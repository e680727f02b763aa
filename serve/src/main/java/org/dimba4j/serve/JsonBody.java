package org.dimba4j.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request's JSON object with typed, named getters: every malformed body or wrongly typed field becomes a
 * {@link BadRequestException} that says which field and what was expected. Unknown fields are ignored, as
 * OpenAI and A1111 clients send settings this server has no use for ({@code quality}, {@code user}, ...).
 */
final class JsonBody {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectNode root;

    private JsonBody(ObjectNode root) {
        this.root = root;
    }

    static JsonBody parse(String text) {
        if (text == null || text.isBlank()) throw new BadRequestException(null, "the request body is empty; expected a JSON object");
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            throw new BadRequestException(null, "malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + (m == null ? "" : m.lines().findFirst().orElse("")));
        }
        if (!(node instanceof ObjectNode o)) {
            throw new BadRequestException(null, "the request body must be a JSON object, got " + node.getNodeType().name().toLowerCase());
        }
        return new JsonBody(o);
    }

    boolean has(String field) {
        JsonNode n = root.get(field);
        return n != null && !n.isNull();
    }

    String string(String field, String dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isTextual()) throw new BadRequestException(field, field + " must be a string, got " + n);
        return n.textValue();
    }

    String requiredString(String field) {
        String s = string(field, null);
        if (s == null) throw new BadRequestException(field, field + " is required");
        return s;
    }

    int integer(String field, int dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new BadRequestException(field, field + " must be an integer, got " + abbreviate(n));
        }
        return n.intValue();
    }

    /** A seed: an integer in [0, 2^63-1], or -1 / absent for a random one (returned as null). */
    Long seed(String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < -1) {
            throw new BadRequestException(field, field + " must be an integer in 0..2^63-1 (or -1 for a random seed), got "
                    + abbreviate(n));
        }
        return n.longValue() == -1 ? null : n.longValue();
    }

    double number(String field, double dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isNumber()) throw new BadRequestException(field, field + " must be a number, got " + abbreviate(n));
        return n.doubleValue();
    }

    boolean bool(String field, boolean dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return dflt;
        if (!n.isBoolean()) throw new BadRequestException(field, field + " must be true or false, got " + abbreviate(n));
        return n.booleanValue();
    }

    /** "WxH" (OpenAI's size), or null when absent or "auto". */
    int[] size(String field) {
        String s = string(field, null);
        if (s == null || s.equals("auto")) return null;
        String[] wh = s.toLowerCase().split("x", -1);
        try {
            if (wh.length == 2) return new int[] {Integer.parseInt(wh[0].strip()), Integer.parseInt(wh[1].strip())};
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadRequestException(field, field + " must be \"WIDTHxHEIGHT\" (e.g. \"512x512\"), got \"" + abbreviate(s) + "\"");
    }

    ObjectNode node() {
        return root;
    }

    private static String abbreviate(JsonNode n) {
        return abbreviate(n.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
