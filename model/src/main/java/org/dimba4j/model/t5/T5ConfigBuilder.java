package org.dimba4j.model.t5;

/**
 * Builds a {@link T5Config} by name, from transformers' {@code T5Config} defaults (the values {@link T5Config#read}
 * takes for absent keys); {@link #t5V11Xxl} is the encoder Dimba uses.
 */
public final class T5ConfigBuilder {
    private int vocabSize = 32128, dModel = 512, dKv = 64, dFf = 2048, numLayers = 6, numHeads = 8;
    private int relativeAttentionNumBuckets = 32, relativeAttentionMaxDistance = 128;
    private float layerNormEpsilon = 1e-6f;
    private String feedForwardProj = "relu";

    T5ConfigBuilder() {}

    /** google/t5-v1_1-xxl (and the encoder of DeepFloyd/t5-v1_1-xxl that Dimba ships): 24 layers of 4096, 64 heads. */
    public static T5ConfigBuilder t5V11Xxl() {
        return T5Config.builder().dModel(4096).dKv(64).dFf(10240).numLayers(24).numHeads(64).feedForwardProj("gated-gelu");
    }

    public T5ConfigBuilder vocabSize(int v) { vocabSize = v; return this; }
    public T5ConfigBuilder dModel(int v) { dModel = v; return this; }
    public T5ConfigBuilder dKv(int v) { dKv = v; return this; }
    public T5ConfigBuilder dFf(int v) { dFf = v; return this; }
    public T5ConfigBuilder numLayers(int v) { numLayers = v; return this; }
    public T5ConfigBuilder numHeads(int v) { numHeads = v; return this; }
    public T5ConfigBuilder relativeAttentionNumBuckets(int v) { relativeAttentionNumBuckets = v; return this; }
    public T5ConfigBuilder relativeAttentionMaxDistance(int v) { relativeAttentionMaxDistance = v; return this; }
    public T5ConfigBuilder layerNormEpsilon(float v) { layerNormEpsilon = v; return this; }
    /** "relu", "gated-gelu", or "[gated-]ACT". */
    public T5ConfigBuilder feedForwardProj(String v) { feedForwardProj = v; return this; }

    /** The checked config. */
    public T5Config build() {
        return new T5Config(vocabSize, dModel, dKv, dFf, numLayers, numHeads, relativeAttentionNumBuckets,
                relativeAttentionMaxDistance, layerNormEpsilon, feedForwardProj);
    }
}
