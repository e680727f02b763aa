package org.dimba4j.infer.parity;

import java.util.List;
import java.util.Locale;

/**
 * The components {@code dimba forward} runs and their tensor names (DESIGN.md, "Command-line contract").
 * Symbols: B batch, L tokens, D/C channels; {@code Cin} and {@code Cl} are fixed by the model's config.
 */
public enum ForwardComponent {
    /** T5 encoder: input_ids, attention_mask I64 [B,L] -> last_hidden_state F32 [B,L,D]. */
    TEXT_ENCODER("text_encoder", List.of("last_hidden_state")),
    /** VAE encoder: sample F32 [B,3,H,W] in [-1,1] -> mean, logvar F32 [B,4,H/8,W/8]. */
    VAE_ENCODE("vae.encode", List.of("mean", "logvar")),
    /** VAE decoder: unscaled latents F32 [B,4,h,w] -> sample F32 [B,3,8h,8w]. */
    VAE_DECODE("vae.decode", List.of("sample")),
    /** Dimba denoiser: x [B,4,h,w], timestep [B], y [B,1,L,C], optional mask I64 [B,L] -> out [B,8,h,w]. */
    TRANSFORMER("transformer", List.of("out"));

    private final String cliName;
    private final List<String> outputs;

    ForwardComponent(String cliName, List<String> outputs) {
        this.cliName = cliName;
        this.outputs = outputs;
    }

    public String cliName() {
        return cliName;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** The model-folder subdirectory the component loads from. */
    public String folder() {
        return switch (this) {
            case TEXT_ENCODER -> "text_encoder";
            case VAE_ENCODE, VAE_DECODE -> "vae";
            case TRANSFORMER -> "transformer";
        };
    }

    /**
     * The inputs. {@code spatialMultiple} is what H/W (vae.encode: the VAE's downsampling factor) or h/w
     * (transformer: the patch size) must divide by.
     */
    public List<TensorSpec> inputs(int spatialMultiple) {
        return switch (this) {
            case TEXT_ENCODER -> List.of(TensorSpec.longs("input_ids", "B", "L"),
                    TensorSpec.longs("attention_mask", "B", "L"));
            case VAE_ENCODE -> List.of(TensorSpec.floats("sample", "B", "Cin", "H", "W")
                    .divisible(2, spatialMultiple).divisible(3, spatialMultiple));
            case VAE_DECODE -> List.of(TensorSpec.floats("latents", "B", "Cl", "h", "w"));
            case TRANSFORMER -> List.of(TensorSpec.floats("x", "B", "Cin", "h", "w")
                            .divisible(2, spatialMultiple).divisible(3, spatialMultiple),
                    TensorSpec.floats("timestep", "B"),
                    TensorSpec.floats("y", "B", "1", "L", "C"),
                    TensorSpec.longs("mask", "B", "L").asOptional());
        };
    }

    public static ForwardComponent parse(String name) {
        for (ForwardComponent c : values()) {
            if (c.cliName.equals(name.toLowerCase(Locale.ROOT))) return c;
        }
        throw new IllegalArgumentException("unknown component '" + name
                + "' (expected text_encoder, vae.encode, vae.decode or transformer)");
    }
}
