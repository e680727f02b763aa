package org.dimba4j.model.t5;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The T5 encoder (Hugging Face {@code T5EncoderModel}): token embedding ({@code shared}), a stack of
 * {@link T5Block}s sharing the relative position bias of block 0, and a final RMSNorm. Loads a folder with
 * {@code config.json} and safetensors weights (one file or shards) under their original key names; the
 * weights stay memory-mapped in their stored dtype (f32, f16 or bf16) and all compute is f32.
 */
public final class T5Encoder implements AutoCloseable {
    private static final String PREFIX = "encoder.";

    private final T5Config config;
    private final Backend backend;
    private final Tensor embedTokens;
    private final T5RelativePositionBias relativeAttentionBias;
    private final List<T5Block> blocks;
    private final Tensor finalLayerNorm;
    private final T5Checkpoint checkpoint;
    /** Whether the position bias is gathered on the backend (weights given in memory: they may be trained). */
    private final boolean biasOnBackend;

    private T5Encoder(T5Config config, Backend backend, T5Checkpoint ckpt, boolean biasOnBackend) {
        this.config = config;
        this.backend = backend;
        this.checkpoint = ckpt;
        this.biasOnBackend = biasOnBackend;
        int d = config.dModel(), inner = config.innerDim(), ff = config.dFf(), h = config.numHeads();
        // recent transformers saves the tied embedding once as shared.weight; older folders also hold encoder.embed_tokens
        String embedKey = ckpt.contains("shared.weight") || !ckpt.contains(PREFIX + "embed_tokens.weight")
                ? "shared.weight" : PREFIX + "embed_tokens.weight";
        this.embedTokens = ckpt.get(embedKey, config.vocabSize(), d);
        this.relativeAttentionBias = new T5RelativePositionBias(
                ckpt.get(PREFIX + "block.0.layer.0.SelfAttention.relative_attention_bias.weight", config.relativeAttentionNumBuckets(), h),
                config.relativeAttentionMaxDistance());
        this.blocks = new ArrayList<>(config.numLayers());
        for (int i = 0; i < config.numLayers(); i++) {
            String b = PREFIX + "block." + i + ".layer.";
            T5Attention attn = new T5Attention(
                    ckpt.get(b + "0.SelfAttention.q.weight", inner, d), ckpt.get(b + "0.SelfAttention.k.weight", inner, d),
                    ckpt.get(b + "0.SelfAttention.v.weight", inner, d), ckpt.get(b + "0.SelfAttention.o.weight", d, inner), h);
            T5DenseReluDense ffn = config.isGated()
                    ? new T5DenseReluDense(ckpt.get(b + "1.DenseReluDense.wi_0.weight", ff, d), ckpt.get(b + "1.DenseReluDense.wi_1.weight", ff, d),
                            ckpt.get(b + "1.DenseReluDense.wo.weight", d, ff), config.activation())
                    : new T5DenseReluDense(ckpt.get(b + "1.DenseReluDense.wi.weight", ff, d), null,
                            ckpt.get(b + "1.DenseReluDense.wo.weight", d, ff), config.activation());
            blocks.add(new T5Block(ckpt.get(b + "0.layer_norm.weight", d), attn, ckpt.get(b + "1.layer_norm.weight", d), ffn,
                    config.layerNormEpsilon()));
        }
        this.finalLayerNorm = ckpt.get(PREFIX + "final_layer_norm.weight", d);
    }

    /** Loads a T5 / T5EncoderModel folder ({@code config.json} + safetensors). */
    public static T5Encoder load(Path dir, Backend backend) {
        Path cfg = dir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) throw new IllegalArgumentException(dir + ": no config.json (expected a Hugging Face T5 encoder folder)");
        T5Config config = T5Config.read(cfg);
        T5Checkpoint ckpt = T5Checkpoint.open(dir);
        try {
            return new T5Encoder(config, backend, ckpt, false);
        } catch (RuntimeException e) {
            ckpt.close();
            throw e;
        }
    }

    /**
     * An encoder over tensors in memory under a folder's key names ({@code shared.weight}, {@code encoder.block.0...}),
     * e.g. a training run's parameters on a tape backend. Every weight, the relative position bias included, is used
     * through {@code backend} ops, so a tape records all of them; the outputs are the same numbers as {@link #load}'s.
     */
    public static T5Encoder of(T5Config config, TensorSource weights, Backend backend) {
        return new T5Encoder(config, backend, T5Checkpoint.of(weights), true);
    }

    public T5Config config() {
        return config;
    }

    /** The token embedding as loaded (a view of the mapped file, in its stored dtype). */
    Tensor embedTokens() {
        return embedTokens;
    }

    /**
     * Encodes token ids [B, L] (I64/I32) with an attention mask [B, L] (1 = token, 0 = padding; null = all
     * tokens). Padding keys are dropped from attention; padded positions still get an output, as in transformers.
     * A row whose mask is all zeros attends uniformly to all its keys, again as transformers does.
     * Result: last_hidden_state [B, L, d_model] f32.
     */
    public Tensor encode(Tensor inputIds, Tensor attentionMask) {
        if (inputIds.rank() != 2) throw new IllegalArgumentException("input_ids must be [B, L], got " + Shape.str(inputIds.shape()));
        int len = inputIds.dim(1);
        if (attentionMask != null && !java.util.Arrays.equals(attentionMask.shape(), inputIds.shape())) {
            throw new IllegalArgumentException("attention_mask has shape " + Shape.str(attentionMask.shape())
                    + ", input_ids " + Shape.str(inputIds.shape()) + ": they must match");
        }
        for (long id : inputIds.toLongArray()) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + config.vocabSize());
            }
        }
        Backend be = backend;
        Tensor h = be.embedding(embedTokens, inputIds);
        Tensor bias = biasOnBackend ? relativeAttentionBias.forward(be, len) : be.upload(relativeAttentionBias.forward(len));
        Tensor fullyMaskedRows = T5Attention.fullyMaskedRows(be, attentionMask);
        for (T5Block block : blocks) h = block.forward(be, h, attentionMask, bias, fullyMaskedRows);
        return be.rmsNorm(h, finalLayerNorm, config.layerNormEpsilon());
    }

    /** Unmaps the weights; tensors returned earlier by {@link #encode} stay valid (they are not views). */
    @Override
    public void close() {
        checkpoint.close();
    }
}
