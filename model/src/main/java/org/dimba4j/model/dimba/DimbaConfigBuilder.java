package org.dimba4j.model.dimba;

/**
 * Builds a {@link DimbaConfig} by name rather than by 16 positional arguments. Starts from the official
 * {@code Dimba} constructor's defaults (input_size 32, patch_size 2, in_channels 4, hidden_size 1152, depth 28,
 * num_heads 16, mlp_ratio 4, mamba_ratio 1, learn_sigma and pred_sigma on, caption_channels 4096,
 * pe_interpolation 1, model_max_length 120) and Mamba's (d_state 16, d_conv 4, expand 2); {@link #build} checks it.
 */
public final class DimbaConfigBuilder {
    private int inputSize = 32, patchSize = 2, inChannels = 4, hiddenSize = 1152, depth = 28, numHeads = 16;
    private double mlpRatio = 4, mambaRatio = 1;
    private boolean learnSigma = true, predSigma = true;
    private int captionChannels = 4096;
    private double peInterpolation = 1;
    private int modelMaxLength = 120, dState = 16, dConv = 4, expand = 2;

    DimbaConfigBuilder() {}

    DimbaConfigBuilder(DimbaConfig c) {
        inputSize = c.inputSize();
        patchSize = c.patchSize();
        inChannels = c.inChannels();
        hiddenSize = c.hiddenSize();
        depth = c.depth();
        numHeads = c.numHeads();
        mlpRatio = c.mlpRatio();
        mambaRatio = c.mambaRatio();
        learnSigma = c.learnSigma();
        predSigma = c.predSigma();
        captionChannels = c.captionChannels();
        peInterpolation = c.peInterpolation();
        modelMaxLength = c.modelMaxLength();
        dState = c.dState();
        dConv = c.dConv();
        expand = c.expand();
    }

    /** Latent side (image size / 8). */
    public DimbaConfigBuilder inputSize(int v) { inputSize = v; return this; }
    public DimbaConfigBuilder patchSize(int v) { patchSize = v; return this; }
    public DimbaConfigBuilder inChannels(int v) { inChannels = v; return this; }
    public DimbaConfigBuilder hiddenSize(int v) { hiddenSize = v; return this; }
    public DimbaConfigBuilder depth(int v) { depth = v; return this; }
    public DimbaConfigBuilder numHeads(int v) { numHeads = v; return this; }
    public DimbaConfigBuilder mlpRatio(double v) { mlpRatio = v; return this; }
    public DimbaConfigBuilder mambaRatio(double v) { mambaRatio = v; return this; }
    public DimbaConfigBuilder learnSigma(boolean v) { learnSigma = v; return this; }
    public DimbaConfigBuilder predSigma(boolean v) { predSigma = v; return this; }
    public DimbaConfigBuilder captionChannels(int v) { captionChannels = v; return this; }
    public DimbaConfigBuilder peInterpolation(double v) { peInterpolation = v; return this; }
    public DimbaConfigBuilder modelMaxLength(int v) { modelMaxLength = v; return this; }
    public DimbaConfigBuilder dState(int v) { dState = v; return this; }
    public DimbaConfigBuilder dConv(int v) { dConv = v; return this; }
    public DimbaConfigBuilder expand(int v) { expand = v; return this; }

    /** The checked config (the record's constructor names any bad value). */
    public DimbaConfig build() {
        return new DimbaConfig(inputSize, patchSize, inChannels, hiddenSize, depth, numHeads, mlpRatio, mambaRatio,
                learnSigma, predSigma, captionChannels, peInterpolation, modelMaxLength, dState, dConv, expand);
    }
}
