package org.dimba4j.model.dimba;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hyper-parameters of the official {@code Dimba} constructor (feizc/Dimba {@code diffusion/model/nets/dimba.py}),
 * read from {@code transformer/config.json} under the constructor's own argument names, plus {@code d_state},
 * {@code d_conv} and {@code expand} of the Mamba layers (the official code always uses Mamba's defaults 16, 4, 2).
 *
 * @param inputSize       latent side the model was built for (image size / 8); fixes {@link #baseSize()}
 * @param peInterpolation divides the sin-cos grid coordinates (1, 2, 4 for 512, 1024, 2048 px)
 * @param mambaRatio      Mamba layers per DimbaBlock: {@code int(mamba_ratio * depth)} layers, see {@link #mambaAfterBlock}
 */
public record DimbaConfig(int inputSize, int patchSize, int inChannels, int hiddenSize, int depth, int numHeads,
                          double mlpRatio, double mambaRatio, boolean learnSigma, boolean predSigma,
                          int captionChannels, double peInterpolation, int modelMaxLength,
                          int dState, int dConv, int expand) {

    /** The configurations shipped as resources: the released L and G models at 512 and 1024 px, and a tiny one. */
    public static final List<String> NAMES = List.of("dimba-l-512", "dimba-l-1024", "dimba-g-512", "dimba-g-1024",
            "dimba-tiny");

    /** Official constructor arguments we accept only at their inference-neutral value. */
    private static final Set<String> NEUTRAL = Set.of("class_dropout_prob", "drop_path", "qk_norm", "micro_condition",
            "kv_compress_config", "config");

    public DimbaConfig {
        require(inputSize > 0 && patchSize > 0 && inputSize % patchSize == 0,
                "input_size " + inputSize + " must be a positive multiple of patch_size " + patchSize);
        require(inChannels > 0 && captionChannels > 0 && modelMaxLength > 0 && depth > 0,
                "in_channels, caption_channels, model_max_length and depth must be positive");
        require(numHeads > 0 && hiddenSize % numHeads == 0,
                "hidden_size " + hiddenSize + " is not divisible by num_heads " + numHeads);
        require(hiddenSize % 4 == 0, "hidden_size " + hiddenSize + " must be a multiple of 4 (2-D sin-cos embedding)");
        require(mlpRatio > 0 && peInterpolation > 0, "mlp_ratio and pe_interpolation must be positive");
        require(dState > 0 && dConv > 0 && expand > 0, "d_state, d_conv and expand must be positive");
        require(mambaRatio > 0, "mamba_ratio " + mambaRatio + " is not supported: the official Dimba divides depth by"
                + " int(mamba_ratio * depth), so mamba_ratio must give at least one Mamba layer");
        int mambaDepth = (int) (mambaRatio * depth);
        require(mambaDepth >= 1, "mamba_ratio " + mambaRatio + " with depth " + depth + " gives int(" + mambaRatio
                + " * " + depth + ") = 0 Mamba layers: the official code divides by that (ZeroDivisionError)");
        require(mambaDepth <= depth, "mamba_ratio " + mambaRatio + " > 1 gives gap = depth // " + mambaDepth
                + " = 0: the official code takes i % 0 (ZeroDivisionError)");
        int gap = depth / mambaDepth;
        for (int i = 0; i < depth; i++) {
            int m = gap == 1 ? i : (i % gap == 1 ? i / gap : -1);
            require(m < mambaDepth, "mamba_ratio " + mambaRatio + " with depth " + depth + ": the official forward"
                    + " reaches mamba_blocks[" + m + "] after block " + i + " but builds only " + mambaDepth
                    + " (IndexError)");
        }
    }

    /** A builder at the official constructor's defaults; see {@link DimbaPresets} for the named sizes. */
    public static DimbaConfigBuilder builder() {
        return new DimbaConfigBuilder();
    }

    /** A builder starting from this config. */
    public DimbaConfigBuilder toBuilder() {
        return new DimbaConfigBuilder(this);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("Dimba config: " + message);
    }

    /** Channels of the output: epsilon, plus the learned variance when pred_sigma. */
    public int outChannels() {
        return predSigma ? 2 * inChannels : inChannels;
    }

    /** The token grid side the sin-cos embedding is normalised to ({@code input_size // patch_size}). */
    public int baseSize() {
        return inputSize / patchSize;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    public int mlpHidden() {
        return (int) (hiddenSize * mlpRatio);
    }

    /** Number of Mamba layers the official model builds: {@code int(mamba_ratio * depth)}. */
    public int mambaDepth() {
        return (int) (mambaRatio * depth);
    }

    /** {@code depth // mamba_depth}. */
    public int gap() {
        return depth / mambaDepth();
    }

    /**
     * The Mamba layer that follows DimbaBlock {@code i}, or -1: as the official forward indexes it, layer i after every
     * block when gap is 1, otherwise layer {@code i // gap} after the blocks with {@code i % gap == 1}.
     */
    public int mambaAfterBlock(int i) {
        int gap = gap();
        if (gap == 1) return i;
        return i % gap == 1 ? i / gap : -1;
    }

    /** Mamba inner width E = expand * hidden_size. */
    public int dInner() {
        return expand * hiddenSize;
    }

    /** Rank of the dt projection, Mamba's "auto": ceil(hidden_size / 16). */
    public int dtRank() {
        return (hiddenSize + 15) / 16;
    }

    public static DimbaConfig load(Path configJson) {
        try {
            return parse(Files.readString(configJson), configJson.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Dimba config " + configJson, e);
        }
    }

    /** One of {@link #NAMES}, from the resources of this package. */
    public static DimbaConfig named(String name) {
        try (InputStream in = DimbaConfig.class.getResourceAsStream("configs/" + name + ".json")) {
            if (in == null) throw new IllegalArgumentException("unknown Dimba config '" + name + "'; known: " + NAMES);
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses config JSON; absent keys take the official constructor's defaults. */
    public static DimbaConfig parse(String json, String where) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("Dimba config " + where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("Dimba config " + where + " is not a JSON object");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.startsWith("_") || KEYS.contains(key)) continue;
            if (NEUTRAL.contains(key)) {
                checkNeutral(key, n.get(key), where);
                continue;
            }
            throw new IllegalArgumentException("Dimba config " + where + ": unknown key '" + key + "'; known: " + KEYS);
        }
        try {
            return new DimbaConfig(i(n, "input_size", 32), i(n, "patch_size", 2), i(n, "in_channels", 4),
                    i(n, "hidden_size", 1152), i(n, "depth", 28), i(n, "num_heads", 16), d(n, "mlp_ratio", 4.0),
                    d(n, "mamba_ratio", 1.0), b(n, "learn_sigma", true), b(n, "pred_sigma", true),
                    i(n, "caption_channels", 4096), d(n, "pe_interpolation", 1.0), i(n, "model_max_length", 120),
                    i(n, "d_state", 16), i(n, "d_conv", 4), i(n, "expand", 2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in " + where + ")", e);
        }
    }

    /** This config as JSON with the official argument names. */
    public String toJson() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("input_size", inputSize);
        m.put("patch_size", patchSize);
        m.put("in_channels", inChannels);
        m.put("hidden_size", hiddenSize);
        m.put("depth", depth);
        m.put("num_heads", numHeads);
        m.put("mlp_ratio", mlpRatio);
        m.put("mamba_ratio", mambaRatio);
        m.put("learn_sigma", learnSigma);
        m.put("pred_sigma", predSigma);
        m.put("caption_channels", captionChannels);
        m.put("pe_interpolation", peInterpolation);
        m.put("model_max_length", modelMaxLength);
        m.put("d_state", dState);
        m.put("d_conv", dConv);
        m.put("expand", expand);
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final List<String> KEYS = List.of("input_size", "patch_size", "in_channels", "hidden_size", "depth",
            "num_heads", "mlp_ratio", "mamba_ratio", "learn_sigma", "pred_sigma", "caption_channels",
            "pe_interpolation", "model_max_length", "d_state", "d_conv", "expand");

    private static void checkNeutral(String key, JsonNode v, String where) {
        boolean ok = switch (key) {
            case "qk_norm", "micro_condition" -> v.isBoolean() && !v.asBoolean() || v.isNull();
            case "kv_compress_config", "config" -> v.isNull();
            default -> v.isNumber() || v.isNull(); // dropout and drop-path act only in training
        };
        if (!ok) {
            throw new IllegalArgumentException("Dimba config " + where + ": " + key + " = " + v
                    + " is not supported (the released models use the default)");
        }
    }

    private static JsonNode field(JsonNode n, String key, boolean number) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) return null;
        if (number ? !v.isNumber() : !v.isBoolean()) {
            throw new IllegalArgumentException("Dimba config: " + key + " must be a " + (number ? "number" : "boolean")
                    + ", got " + v);
        }
        return v;
    }

    private static int i(JsonNode n, String key, int def) {
        JsonNode v = field(n, key, true);
        if (v == null) return def;
        if (v.asDouble() != Math.rint(v.asDouble())) throw new IllegalArgumentException("Dimba config: " + key + " must be an integer, got " + v);
        return v.asInt();
    }

    private static double d(JsonNode n, String key, double def) {
        JsonNode v = field(n, key, true);
        return v == null ? def : v.asDouble();
    }

    private static boolean b(JsonNode n, String key, boolean def) {
        JsonNode v = field(n, key, false);
        return v == null ? def : v.asBoolean();
    }
}
