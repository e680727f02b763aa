package org.dimba4j.infer.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.InvalidRequestException;

import java.math.BigInteger;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A prompts-file line resolved against the defaults into the request that makes its image.
 *
 * @param request   batch 1, size resolved, checked against the model
 * @param seedGiven whether the seed came from the line or {@code --seed} (else it was drawn at random, and a rerun
 *                  accepts whatever seed the manifest recorded)
 */
public record BatchItem(BatchLine line, GenerationRequest request, boolean seedGiven) {

    /**
     * Resolves every line and checks its request with {@code check} (e.g. {@code DimbaPipeline.check} against the
     * model's configs, no weights loaded); the first bad line is a {@link BatchFileException} naming it and the field.
     */
    public static List<BatchItem> resolve(String source, List<BatchLine> lines, BatchDefaults d, UnaryOperator<GenerationRequest> check) {
        return lines.stream().map(l -> resolve(source, l, d, check)).toList();
    }

    public static BatchItem resolve(String source, BatchLine l, BatchDefaults d, UnaryOperator<GenerationRequest> check) {
        Long seed = l.seed() != null ? l.seed() : d.seed() != null ? d.seed() + l.index() : null;
        try {
            GenerationRequest req = GenerationRequest.builder(l.prompt())
                    .negativePrompt(l.negativePrompt() != null ? l.negativePrompt() : d.negativePrompt())
                    .size(l.width() != null ? l.width() : d.width(), l.height() != null ? l.height() : d.height())
                    .steps(l.steps() != null ? l.steps() : d.steps())
                    .guidance(l.guidance() != null ? l.guidance() : d.guidance())
                    .sampler(d.sampler()).seed(seed).build();
            return new BatchItem(l, check.apply(req), seed != null);
        } catch (InvalidRequestException e) {
            throw new BatchFileException(source, l.number(), field(e.field()) + " " + e.problem());
        }
    }

    /** The JSON field a request field comes from. */
    private static String field(String requestField) {
        return switch (requestField) {
            case "negativePrompt" -> "\"negative_prompt\"";
            case "size" -> "\"width\"/\"height\"";
            case "seed", "width", "height", "steps", "guidance", "prompt" -> "\"" + requestField + "\"";
            default -> requestField;
        };
    }

    /** The manifest line for this item's finished image: every parameter, the file, and the seed actually used. */
    public ObjectNode manifestEntry(long seed, String model) {
        ObjectNode o = PromptsFile.JSON.createObjectNode();
        o.put("line", line.number());
        if (line.id() != null) o.put("id", line.id());
        o.put("file", line.pngName());
        o.put("prompt", request.prompts().get(0));
        o.put("negative_prompt", request.negativePrompt());
        o.put("seed", new BigInteger(Long.toUnsignedString(seed)));
        o.put("width", request.width());
        o.put("height", request.height());
        o.put("steps", request.steps());
        o.put("guidance", request.guidance());
        o.put("sampler", request.sampler().cliName());
        o.put("model", model);
        return o;
    }

    /** Whether a manifest entry was made from this item's parameters (its seed too, when one was given). */
    public boolean madeBy(ObjectNode entry, String model) {
        ObjectNode want = reparsed(manifestEntry(request.seed() == null ? 0 : request.seed(), model));
        want.remove("line"); // the line may move when lines above it are edited; the name and parameters decide
        for (var it = want.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.equals("seed") && !seedGiven) continue;
            if (!want.get(f).equals(entry.get(f))) return false;
        }
        return true;
    }

    /** As read back from a file: numbers in the node types the parser picks, so equals compares values. */
    private static ObjectNode reparsed(ObjectNode o) {
        try {
            return (ObjectNode) PromptsFile.JSON.readTree(o.toString());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
