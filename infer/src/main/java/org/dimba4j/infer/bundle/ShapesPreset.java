package org.dimba4j.infer.bundle;

import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.t5.T5Config;
import org.dimba4j.model.vae.VaeConfig;

import java.util.List;

/**
 * {@code shapes-64}: the sizes of the bundled model trained on the coloured-shapes scenes ({@code dimba dataset shapes}),
 * small enough that the whole folder stays under 30 MB and a training step runs in about a second on 2 CPU cores.
 * <ul>
 *   <li>VAE: 64-px images, three blocks (32, 64, 64 channels, one layer each): a 4x downsampling to a 16 x 16 x 4
 *       latent. Flat-coloured shapes need little detail, and 4x (not SD's 8x) keeps a small square or a triangle's
 *       tip a few latent cells wide.</li>
 *   <li>Transformer: patch 2 on the 16 x 16 latent gives 64 tokens, enough to place four objects on a 8 x 8 grid;
 *       hidden 192 with 6 heads of 32 (the official head width is 72; 32 keeps heads meaningful at this width), depth
 *       6 with {@code mamba_ratio} 1.0 (the official default: a Mamba layer after every block, the paper's hybrid),
 *       learned sigma as released. 5.65 M parameters (22.6 MB in F32), the text encoder 0.34 M (1.4 MB): that
 *       leaves {@link #FOLDER_BUDGET_BYTES} minus ~24 MB, about 5.5 MB, for the VAE (the preset's random one is 3.7
 *       MB); a wider or deeper denoiser would not fit beside a trained VAE.</li>
 *   <li>Text: captions of at most ~16 words, so {@code model_max_length} 32; a 2-layer T5 (gated-GELU as v1.1,
 *       d_model 128, 4 heads of 32, d_ff 256) over the closed vocabulary of {@link #WORDS}, frozen at its random
 *       initialisation (transformers' own; {@link #ORDER_AWARE_BIAS_STD} says why): the denoiser's y_proj and
 *       cross-attention learn to read it.</li>
 * </ul>
 */
public final class ShapesPreset {
    public static final String NAME = "shapes-64";
    public static final int IMAGE_SIZE = 64;
    public static final int MODEL_MAX_LENGTH = 32;
    /** What a committed model folder may weigh (issue 17: under 30 MB). */
    public static final long FOLDER_BUDGET_BYTES = 30L * 1000 * 1000;
    /**
     * The std of the frozen text encoder's {@code relative_attention_bias} in {@code init-model --t5-bias-std 1}: the
     * scale of its content logits, where transformers draws d_model^-1/2 (0.088 here). At transformers' scale, the
     * preset's default, the random encoder is close to a bag of words: "a red circle left of a blue square" and "a
     * blue square left of a red circle" get nearly the same features (see {@link org.dimba4j.model.t5.T5Init}). At
     * this scale they differ as much as captions with another colour word. Trained with the same recipe, the two
     * encoders score the same on every metric, spatial relations included (the model card's text-encoder rows): at
     * this training budget word order is not what the denoiser lacks, so the preset keeps transformers' init.
     */
    public static final double ORDER_AWARE_BIAS_STD = 1.0;

    /** The preset's text-encoder position-bias std: transformers' d_model^-1/2. */
    public static double textEncoderBiasStd() {
        return org.dimba4j.model.t5.T5Init.officialRelativeAttentionBiasStd(textEncoder(1));
    }

    /**
     * Every word the shapes captions use (counts as words and digits, articles, colours, shapes and plurals, sizes
     * incl. "big", the relation phrasings, the lead-ins), plus a few near synonyms a user may type.
     */
    public static final List<String> WORDS = List.of(
            "a", "an", "the", "one", "two", "three", "four", "zero", "0", "1", "2", "3", "4",
            "red", "green", "blue", "yellow", "purple", "orange",
            "circle", "circles", "square", "squares", "triangle", "triangles",
            "small", "large", "big",
            "to", "on", "left", "right", "of", "above", "over", "below", "under", "beneath", "and", "with",
            "picture", "image", "drawing", "simple", "illustration",
            "next", "beside", "there", "is", "are", "some", "shape", "shapes", "object", "objects", "tiny", "little",
            "huge", "in", "at", "top", "bottom", "side", "white", "background");

    private ShapesPreset() {}

    public static VaeConfig vae() {
        return VaeConfig.builder().blockOutChannels(32, 64, 64).layersPerBlock(1).normNumGroups(16).latentChannels(4)
                .sampleSize(IMAGE_SIZE).scalingFactor(1.0f).build();
    }

    /** The text encoder over a vocabulary of {@code vocabSize} pieces. */
    public static T5Config textEncoder(int vocabSize) {
        return T5Config.builder().vocabSize(vocabSize).dModel(128).dKv(32).numHeads(4).dFf(256).numLayers(2)
                .feedForwardProj("gated-gelu").build();
    }

    /** The denoiser for a VAE of this latent size and channel count, reading captions of {@code captionChannels}. */
    public static DimbaConfig transformer(int latentSize, int latentChannels, int captionChannels) {
        return DimbaConfig.builder().inputSize(latentSize).patchSize(2).inChannels(latentChannels).hiddenSize(192)
                .depth(6).numHeads(6).mlpRatio(4.0).mambaRatio(1.0).learnSigma(true).predSigma(true)
                .captionChannels(captionChannels).peInterpolation(1.0).modelMaxLength(MODEL_MAX_LENGTH).build();
    }
}
