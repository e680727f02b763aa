package org.dimba4j.model.vae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The diffusers {@code AutoencoderKL} configuration ({@code vae/config.json}), with diffusers' defaults for
 * absent keys. Only the architecture diffusers' AutoencoderKL builds is accepted: DownEncoderBlock2D /
 * UpDecoderBlock2D blocks and SiLU.
 *
 * @param sampleSize     the image size the model was trained at; diffusers' tiled decoding uses it as the tile size
 * @param shiftFactor    subtracted before scaling (SD3/Flux VAEs); 0 when the config has none
 */
public record VaeConfig(
        int inChannels,
        int outChannels,
        int[] blockOutChannels,
        int layersPerBlock,
        int latentChannels,
        int normNumGroups,
        int sampleSize,
        float scalingFactor,
        float shiftFactor,
        boolean useQuantConv,
        boolean usePostQuantConv,
        boolean midBlockAddAttention) {

    /** The SDXL VAE (stabilityai/sdxl-vae), for synthetic-weight benchmarks. */
    public static VaeConfig sdxl() {
        return new VaeConfig(3, 3, new int[] {128, 256, 512, 512}, 2, 4, 32, 1024, 0.13025f, 0f, true, true, true);
    }

    /** A builder at diffusers' AutoencoderKL defaults. */
    public static VaeConfigBuilder builder() {
        return new VaeConfigBuilder();
    }

    /** A builder starting from this config. */
    public VaeConfigBuilder toBuilder() {
        return new VaeConfigBuilder(this);
    }

    public VaeConfig {
        blockOutChannels = blockOutChannels.clone();
        if (blockOutChannels.length == 0) throw new IllegalArgumentException("vae config: block_out_channels is empty");
        for (int c : blockOutChannels) {
            if (c <= 0 || c % normNumGroups != 0) {
                throw new IllegalArgumentException("vae config: block_out_channels " + Arrays.toString(blockOutChannels)
                        + " must be positive multiples of norm_num_groups " + normNumGroups);
            }
        }
        if (layersPerBlock < 1) throw new IllegalArgumentException("vae config: layers_per_block " + layersPerBlock + " < 1");
        if (latentChannels < 1 || inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException("vae config: channel counts must be positive (in " + inChannels
                    + ", out " + outChannels + ", latent " + latentChannels + ")");
        }
    }

    @Override
    public int[] blockOutChannels() {
        return blockOutChannels.clone();
    }

    /** Pixels per latent cell along each axis: 2^(number of blocks - 1) (8 for SDXL). */
    public int downsampleFactor() {
        return 1 << (blockOutChannels.length - 1);
    }

    public static VaeConfig load(Path configJson) {
        try {
            return fromJson(new ObjectMapper().readTree(Files.readString(configJson)), configJson.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read VAE config " + configJson + ": " + e.getMessage(), e);
        }
    }

    /** Parses a diffusers AutoencoderKL config; {@code source} names the file in error messages. */
    public static VaeConfig fromJson(JsonNode json, String source) {
        if (json == null || !json.isObject()) throw new IllegalArgumentException(source + ": not a JSON object");
        String cls = json.path("_class_name").asText("AutoencoderKL");
        if (!cls.equals("AutoencoderKL")) {
            throw new IllegalArgumentException(source + ": _class_name is '" + cls + "', expected AutoencoderKL");
        }
        int[] blocks = ints(json, "block_out_channels", new int[] {64}, source);
        checkTypes(json, "down_block_types", "DownEncoderBlock2D", blocks.length, source);
        checkTypes(json, "up_block_types", "UpDecoderBlock2D", blocks.length, source);
        String act = json.path("act_fn").asText("silu");
        if (!act.equals("silu") && !act.equals("swish")) {
            throw new IllegalArgumentException(source + ": act_fn '" + act + "' is not supported (expected silu)");
        }
        JsonNode sample = json.path("sample_size");
        int sampleSize = sample.isArray() ? sample.path(0).asInt(32) : sample.asInt(32);
        JsonNode shift = json.path("shift_factor");
        try {
            return new VaeConfig(
                    json.path("in_channels").asInt(3),
                    json.path("out_channels").asInt(3),
                    blocks,
                    json.path("layers_per_block").asInt(1),
                    json.path("latent_channels").asInt(4),
                    json.path("norm_num_groups").asInt(32),
                    sampleSize,
                    (float) json.path("scaling_factor").asDouble(0.18215),
                    shift.isNumber() ? (float) shift.asDouble() : 0f,
                    json.path("use_quant_conv").asBoolean(true),
                    json.path("use_post_quant_conv").asBoolean(true),
                    json.path("mid_block_add_attention").asBoolean(true));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** This config as a diffusers vae/config.json (what {@link #fromJson} reads back). */
    public String toJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode n = om.createObjectNode();
        n.put("_class_name", "AutoencoderKL");
        n.put("act_fn", "silu");
        ArrayNode blocks = n.putArray("block_out_channels"), down = n.putArray("down_block_types"), up = n.putArray("up_block_types");
        for (int c : blockOutChannels) {
            blocks.add(c);
            down.add("DownEncoderBlock2D");
            up.add("UpDecoderBlock2D");
        }
        n.put("in_channels", inChannels);
        n.put("out_channels", outChannels);
        n.put("latent_channels", latentChannels);
        n.put("layers_per_block", layersPerBlock);
        n.put("norm_num_groups", normNumGroups);
        n.put("sample_size", sampleSize);
        n.put("scaling_factor", scalingFactor);
        if (shiftFactor != 0f) n.put("shift_factor", shiftFactor);
        else n.putNull("shift_factor");
        n.put("use_quant_conv", useQuantConv);
        n.put("use_post_quant_conv", usePostQuantConv);
        n.put("mid_block_add_attention", midBlockAddAttention);
        try {
            return om.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ints(JsonNode json, String key, int[] dflt, String source) {
        JsonNode n = json.path(key);
        if (n.isMissingNode() || n.isNull()) return dflt;
        if (!n.isArray()) throw new IllegalArgumentException(source + ": " + key + " must be a list of integers");
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get(i).asInt();
        return out;
    }

    private static void checkTypes(JsonNode json, String key, String expected, int blocks, String source) {
        JsonNode n = json.path(key);
        if (n.isMissingNode() || n.isNull()) {
            if (blocks != 1) throw new IllegalArgumentException(source + ": " + key + " is missing for " + blocks + " blocks");
            return;
        }
        if (n.size() != blocks) {
            throw new IllegalArgumentException(source + ": " + key + " has " + n.size() + " entries, block_out_channels has " + blocks);
        }
        for (JsonNode t : n) {
            if (!t.asText().equals(expected)) {
                throw new IllegalArgumentException(source + ": " + key + " entry '" + t.asText() + "' is not supported (expected "
                        + expected + "; found " + n + ")");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaeConfig c && Arrays.equals(blockOutChannels, c.blockOutChannels) && inChannels == c.inChannels
                && outChannels == c.outChannels && layersPerBlock == c.layersPerBlock && latentChannels == c.latentChannels
                && normNumGroups == c.normNumGroups && sampleSize == c.sampleSize && scalingFactor == c.scalingFactor
                && shiftFactor == c.shiftFactor && useQuantConv == c.useQuantConv && usePostQuantConv == c.usePostQuantConv
                && midBlockAddAttention == c.midBlockAddAttention;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blockOutChannels) * 31 + Float.hashCode(scalingFactor);
    }

    @Override
    public String toString() {
        return "VaeConfig[blocks " + Arrays.toString(blockOutChannels) + ", layers " + layersPerBlock + ", latent "
                + latentChannels + ", groups " + normNumGroups + ", scaling " + scalingFactor + "]";
    }
}
