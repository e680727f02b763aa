package org.dimba4j.io.image;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a picture was generated, in the A1111 "parameters" text format that image viewers and web UIs read:
 * <pre>
 * PROMPT (may span lines)
 * Negative prompt: NEGATIVE (may span lines)
 * Steps: 20, Sampler: dpm-solver, CFG scale: 4.5, Seed: 42, Size: 512x512, Model: dimba-l-512
 * </pre>
 * Values holding a comma, colon or newline are JSON-quoted, as A1111 does. Settings this record has no field
 * for are kept in {@code extra}, in order. Parsing strips each prompt line, as A1111 does.
 *
 * @param negativePrompt empty when none
 * @param seed           null when the initial noise came from a file
 */
public record GenerationParameters(String prompt, String negativePrompt, int steps, String sampler, double guidance,
                                   Long seed, int width, int height, String model, Map<String, String> extra) {

    // A1111 infotext: "Key: value" pairs, a value either JSON-quoted or running to the next comma
    private static final Pattern PARAM = Pattern.compile("\\s*(\\w[\\w \\-/]+):\\s*(\"(?:\\\\.|[^\\\\\"])+\"|[^,]*)(?:,|$)");
    private static final String NEGATIVE = "Negative prompt:";

    public GenerationParameters {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public GenerationParameters(String prompt, String negativePrompt, int steps, String sampler, double guidance,
                                Long seed, int width, int height, String model) {
        this(prompt, negativePrompt, steps, sampler, guidance, seed, width, height, model, Map.of());
    }

    /** The A1111 text. */
    public String toText() {
        StringBuilder sb = new StringBuilder(prompt);
        if (!negativePrompt.isEmpty()) sb.append('\n').append(NEGATIVE).append(' ').append(negativePrompt);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Steps", Integer.toString(steps));
        if (sampler != null) p.put("Sampler", sampler);
        p.put("CFG scale", Double.toString(guidance));
        if (seed != null) p.put("Seed", Long.toString(seed));
        p.put("Size", width + "x" + height);
        if (model != null) p.put("Model", model);
        p.putAll(extra);
        StringBuilder line = new StringBuilder();
        p.forEach((k, v) -> line.append(line.isEmpty() ? "" : ", ").append(k).append(": ").append(quote(v)));
        return sb.append('\n').append(line).toString();
    }

    /**
     * Parses A1111 text: the last line holds the settings when it has at least 3 "Key: value" pairs; lines
     * before it are the prompt, then the negative prompt from the line starting "Negative prompt:".
     */
    public static GenerationParameters parse(String text) {
        String[] lines = text.strip().split("\n", -1);
        String last = lines[lines.length - 1];
        int promptLines = lines.length - 1;
        if (countParams(last) < 3) {
            promptLines = lines.length;
            last = "";
        }
        StringBuilder prompt = new StringBuilder(), negative = new StringBuilder();
        boolean inNegative = false;
        for (int i = 0; i < promptLines; i++) {
            String line = lines[i].strip();
            if (line.startsWith(NEGATIVE)) {
                inNegative = true;
                line = line.substring(NEGATIVE.length()).strip();
            }
            StringBuilder target = inNegative ? negative : prompt;
            if (!target.isEmpty()) target.append('\n');
            target.append(line);
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(last);
        while (m.find()) params.put(m.group(1).strip(), unquote(m.group(2).strip()));
        String size = params.remove("Size");
        int width = 0, height = 0;
        if (size != null) {
            String[] wh = size.toLowerCase(Locale.ROOT).split("x");
            if (wh.length != 2) throw new IllegalArgumentException("parameters: Size '" + size + "' is not WIDTHxHEIGHT");
            width = parseInt("Size", wh[0]);
            height = parseInt("Size", wh[1]);
        }
        String steps = params.remove("Steps"), cfg = params.remove("CFG scale"), seed = params.remove("Seed");
        String sampler = params.remove("Sampler"), model = params.remove("Model");
        return new GenerationParameters(prompt.toString(), negative.toString(), steps == null ? 0 : parseInt("Steps", steps),
                sampler, cfg == null ? Double.NaN : parseDouble("CFG scale", cfg), seed == null ? null : parseLong("Seed", seed),
                width, height, model, params);
    }

    private static int countParams(String line) {
        Matcher m = PARAM.matcher(line);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** A1111's quote(): JSON string syntax when the value would break the "k: v, k: v" line. */
    static String quote(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('\n') < 0 && v.indexOf(':') < 0 && !v.startsWith("\"")) return v;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    static String unquote(String v) {
        if (v.length() < 2 || !v.startsWith("\"") || !v.endsWith("\"")) return v;
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c != '\\' || i + 1 >= v.length() - 1) {
                sb.append(c);
                continue;
            }
            char e = v.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (i + 5 > v.length() - 1) throw new IllegalArgumentException("parameters: bad escape in " + v);
                    sb.append((char) Integer.parseInt(v.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e); // \" \\ \/
            }
        }
        return sb.toString();
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameters: " + key + " '" + v + "' is not an integer");
        }
    }

    private static long parseLong(String key, String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameters: " + key + " '" + v + "' is not an integer");
        }
    }

    private static double parseDouble(String key, String v) {
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameters: " + key + " '" + v + "' is not a number");
        }
    }
}
