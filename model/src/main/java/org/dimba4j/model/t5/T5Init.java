package org.dimba4j.model.t5;

import org.dimba4j.kernels.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The weights a fresh Hugging Face {@code T5EncoderModel(config)} gets from {@code T5PreTrainedModel._init_weights}
 * at {@code initializer_factor} 1.0, under the state-dict names transformers saves (the embedding as
 * {@code shared.weight}, tied with {@code encoder.embed_tokens}):
 * <ul>
 *   <li>{@code shared}: N(0, 1);</li>
 *   <li>attention q: N(0, (d_model * d_kv)^-1/2); k, v: N(0, d_model^-1/2); o: N(0, (num_heads * d_kv)^-1/2);
 *       {@code relative_attention_bias} (block 0 only): N(0, d_model^-1/2);</li>
 *   <li>feed-forward wi / wi_0 / wi_1: N(0, d_model^-1/2); wo: N(0, d_ff^-1/2);</li>
 *   <li>every T5LayerNorm weight: 1.</li>
 * </ul>
 * The values come from a stream per (seed, name), not torch's; the distributions are checked against transformers'
 * own init ({@code tools/fixtures/t5/random_init.py}).
 *
 * <p>{@link #initialise(T5Config, long, double)} draws the relative position bias at another scale, for an encoder
 * that stays frozen at its initialisation. At transformers' scale the bias is tiny against the content logits
 * (std about 1 with these q and k), so a random encoder mixes each token with a near-uniform average of the others: a
 * bag of words, the same features for "a red circle left of a blue square" and "a blue square left of a red
 * circle". With the bias on the scale of the content logits, where a token looks depends on the offset too.
 */
public final class T5Init {
    private T5Init() {}

    public static Map<String, Tensor> initialise(T5Config c, long seed) {
        return initialise(c, seed, officialRelativeAttentionBiasStd(c));
    }

    /** transformers' std of {@code relative_attention_bias}: d_model^-1/2. */
    public static double officialRelativeAttentionBiasStd(T5Config c) {
        return Math.pow(c.dModel(), -0.5);
    }

    /**
     * As {@link #initialise(T5Config, long)} with {@code relative_attention_bias} drawn from N(0, biasStd^2); every
     * other tensor is the same, draw for draw.
     */
    public static Map<String, Tensor> initialise(T5Config c, long seed, double relativeAttentionBiasStd) {
        if (!(relativeAttentionBiasStd > 0) || Double.isInfinite(relativeAttentionBiasStd)) {
            throw new IllegalArgumentException("relative_attention_bias std must be positive and finite, got " + relativeAttentionBiasStd);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        int d = c.dModel(), inner = c.innerDim(), ff = c.dFf();
        out.put("shared.weight", normal(seed, "shared.weight", 1.0, c.vocabSize(), d));
        for (int i = 0; i < c.numLayers(); i++) {
            String b = "encoder.block." + i + ".layer.";
            String a = b + "0.SelfAttention.";
            put(out, seed, a + "q.weight", Math.pow((double) d * c.dKv(), -0.5), inner, d);
            put(out, seed, a + "k.weight", Math.pow(d, -0.5), inner, d);
            put(out, seed, a + "v.weight", Math.pow(d, -0.5), inner, d);
            put(out, seed, a + "o.weight", Math.pow(inner, -0.5), d, inner);
            if (i == 0) put(out, seed, a + "relative_attention_bias.weight", relativeAttentionBiasStd, c.relativeAttentionNumBuckets(), c.numHeads());
            out.put(b + "0.layer_norm.weight", ones(d));
            String f = b + "1.DenseReluDense.";
            if (c.isGated()) {
                put(out, seed, f + "wi_0.weight", Math.pow(d, -0.5), ff, d);
                put(out, seed, f + "wi_1.weight", Math.pow(d, -0.5), ff, d);
            } else {
                put(out, seed, f + "wi.weight", Math.pow(d, -0.5), ff, d);
            }
            put(out, seed, f + "wo.weight", Math.pow(ff, -0.5), d, ff);
            out.put(b + "1.layer_norm.weight", ones(d));
        }
        out.put("encoder.final_layer_norm.weight", ones(d));
        return out;
    }

    private static void put(Map<String, Tensor> out, long seed, String name, double std, int rows, int cols) {
        out.put(name, normal(seed, name, std, rows, cols));
    }

    private static Tensor normal(long seed, String name, double std, int rows, int cols) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        float[] v = new float[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (std * rnd.nextGaussian());
        return Tensor.of(v, rows, cols);
    }

    private static Tensor ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return Tensor.of(v, n);
    }
}
