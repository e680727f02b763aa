package org.dimba4j.model.t5;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes a Hugging Face {@code T5EncoderModel} folder: {@code config.json} with transformers' keys (what
 * {@code T5EncoderModel.from_pretrained} and {@link T5Config#read} read) and {@code model.safetensors}.
 */
public final class T5EncoderFolder {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private T5EncoderFolder() {}

    /** The weights of an encoder folder, found as {@link T5Encoder#load} finds them (index, single file or checkpoint). */
    public static TensorSource openWeights(Path dir) {
        return Checkpoints.open(T5Checkpoint.weightsPath(dir));
    }

    public static void write(Path dir, T5Config c, Map<String, Tensor> weights, Map<String, String> metadata) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("config.json.tmp");
            Files.writeString(tmp, configJson(c) + "\n");
            Files.move(tmp, dir.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("config.json") + ": " + e.getMessage(), e);
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), weights, metadata);
    }

    /** The config as transformers writes it for an encoder (decoder keys at the encoder's values, no dropout). */
    public static String configJson(T5Config c) {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add("T5EncoderModel");
        n.put("model_type", "t5");
        n.put("vocab_size", c.vocabSize());
        n.put("d_model", c.dModel());
        n.put("d_kv", c.dKv());
        n.put("d_ff", c.dFf());
        n.put("num_layers", c.numLayers());
        n.put("num_decoder_layers", c.numLayers());
        n.put("num_heads", c.numHeads());
        n.put("relative_attention_num_buckets", c.relativeAttentionNumBuckets());
        n.put("relative_attention_max_distance", c.relativeAttentionMaxDistance());
        n.put("layer_norm_epsilon", (double) c.layerNormEpsilon());
        n.put("feed_forward_proj", c.feedForwardProj());
        n.put("dropout_rate", 0.0);
        n.put("initializer_factor", 1.0);
        n.put("is_encoder_decoder", false);
        n.put("use_cache", false);
        n.put("tie_word_embeddings", true);
        n.put("pad_token_id", 0);
        n.put("eos_token_id", 1);
        n.put("decoder_start_token_id", 0);
        n.put("dtype", "float32");
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
