package org.dimba4j.model.vae;

/**
 * Builds a {@link VaeConfig} by name, from diffusers' {@code AutoencoderKL} defaults (the values
 * {@link VaeConfig#fromJson} takes for absent keys); {@code VaeConfig.sdxl().toBuilder()} starts from the SDXL VAE.
 */
public final class VaeConfigBuilder {
    private int inChannels = 3, outChannels = 3;
    private int[] blockOutChannels = {64};
    private int layersPerBlock = 1, latentChannels = 4, normNumGroups = 32, sampleSize = 32;
    private float scalingFactor = 0.18215f, shiftFactor = 0f;
    private boolean useQuantConv = true, usePostQuantConv = true, midBlockAddAttention = true;

    VaeConfigBuilder() {}

    VaeConfigBuilder(VaeConfig c) {
        inChannels = c.inChannels();
        outChannels = c.outChannels();
        blockOutChannels = c.blockOutChannels();
        layersPerBlock = c.layersPerBlock();
        latentChannels = c.latentChannels();
        normNumGroups = c.normNumGroups();
        sampleSize = c.sampleSize();
        scalingFactor = c.scalingFactor();
        shiftFactor = c.shiftFactor();
        useQuantConv = c.useQuantConv();
        usePostQuantConv = c.usePostQuantConv();
        midBlockAddAttention = c.midBlockAddAttention();
    }

    public VaeConfigBuilder inChannels(int v) { inChannels = v; return this; }
    public VaeConfigBuilder outChannels(int v) { outChannels = v; return this; }
    public VaeConfigBuilder blockOutChannels(int... v) { blockOutChannels = v.clone(); return this; }
    public VaeConfigBuilder layersPerBlock(int v) { layersPerBlock = v; return this; }
    public VaeConfigBuilder latentChannels(int v) { latentChannels = v; return this; }
    public VaeConfigBuilder normNumGroups(int v) { normNumGroups = v; return this; }
    public VaeConfigBuilder sampleSize(int v) { sampleSize = v; return this; }
    public VaeConfigBuilder scalingFactor(float v) { scalingFactor = v; return this; }
    public VaeConfigBuilder shiftFactor(float v) { shiftFactor = v; return this; }
    public VaeConfigBuilder useQuantConv(boolean v) { useQuantConv = v; return this; }
    public VaeConfigBuilder usePostQuantConv(boolean v) { usePostQuantConv = v; return this; }
    public VaeConfigBuilder midBlockAddAttention(boolean v) { midBlockAddAttention = v; return this; }

    /** The checked config. */
    public VaeConfig build() {
        return new VaeConfig(inChannels, outChannels, blockOutChannels, layersPerBlock, latentChannels, normNumGroups,
                sampleSize, scalingFactor, shiftFactor, useQuantConv, usePostQuantConv, midBlockAddAttention);
    }
}
