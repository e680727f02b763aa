package org.dimba4j.model.t5;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The encoder-relevant part of a Hugging Face T5 {@code config.json} (field names as there). Defaults are
 * {@code T5Config}'s.
 *
 * @param feedForwardProj "relu" (original T5), "gated-gelu" (v1.1, Flan-T5), or "[gated-]ACT" generally
 */
public record T5Config(int vocabSize, int dModel, int dKv, int dFf, int numLayers, int numHeads,
                       int relativeAttentionNumBuckets, int relativeAttentionMaxDistance, float layerNormEpsilon,
                       String feedForwardProj) {

    /** The activation of the feed-forward block. */
    public enum Activation { RELU, GELU_ERF, GELU_TANH, SILU }

    public T5Config {
        if (vocabSize < 1 || dModel < 1 || dKv < 1 || dFf < 1 || numLayers < 1 || numHeads < 1) {
            throw new IllegalArgumentException("T5 config sizes must be positive: vocab_size " + vocabSize + ", d_model " + dModel
                    + ", d_kv " + dKv + ", d_ff " + dFf + ", num_layers " + numLayers + ", num_heads " + numHeads);
        }
        if (relativeAttentionNumBuckets < 2 || relativeAttentionMaxDistance < 1) {
            throw new IllegalArgumentException("relative_attention_num_buckets " + relativeAttentionNumBuckets
                    + " / relative_attention_max_distance " + relativeAttentionMaxDistance + " are out of range");
        }
        activation(feedForwardProj); // validates
    }

    /** A builder at transformers' defaults; {@link T5ConfigBuilder#t5V11Xxl} for Dimba's encoder. */
    public static T5ConfigBuilder builder() {
        return new T5ConfigBuilder();
    }

    public static T5Config read(Path configJson) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read T5 config " + configJson + ": " + e.getMessage(), e);
        }
        try {
            return new T5Config(n.path("vocab_size").asInt(32128), n.path("d_model").asInt(512), n.path("d_kv").asInt(64),
                    n.path("d_ff").asInt(2048), n.path("num_layers").asInt(6), n.path("num_heads").asInt(8),
                    n.path("relative_attention_num_buckets").asInt(32), n.path("relative_attention_max_distance").asInt(128),
                    (float) n.path("layer_norm_epsilon").asDouble(1e-6), n.path("feed_forward_proj").asText("relu"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** The inner width of attention, num_heads * d_kv (need not equal d_model). */
    public int innerDim() {
        return numHeads * dKv;
    }

    /** "gated-*" uses wi_0 (activated) times wi_1; otherwise a single wi. */
    public boolean isGated() {
        return feedForwardProj.startsWith("gated-");
    }

    public Activation activation() {
        return activation(feedForwardProj);
    }

    private static Activation activation(String proj) {
        String[] parts = proj.split("-");
        boolean ok = parts.length == 1 || (parts.length == 2 && parts[0].equals("gated"));
        if (!ok) throw new IllegalArgumentException("feed_forward_proj '" + proj + "' is not ACT or gated-ACT");
        String act = parts[parts.length - 1];
        // transformers maps "gated-gelu" to gelu_new (tanh); a plain "gelu" is the exact erf form
        if (proj.equals("gated-gelu")) return Activation.GELU_TANH;
        return switch (act) {
            case "relu" -> Activation.RELU;
            case "gelu" -> Activation.GELU_ERF;
            case "gelu_new" -> Activation.GELU_TANH;
            case "silu", "swish" -> Activation.SILU;
            default -> throw new IllegalArgumentException("unsupported feed_forward_proj activation '" + act + "' in '" + proj + "'");
        };
    }
}
