package org.dimba4j.train.text;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.t5.T5Config;
import org.dimba4j.model.t5.T5Encoder;
import org.dimba4j.model.t5.T5EncoderFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The T5 text encoder trained jointly with the denoiser through the diffusion loss ({@code dimba train
 * --train-text-encoder}). The paper and the official code keep T5 frozen and train on cached features; a model whose
 * encoder was never pre-trained (dimba4j's own small ones) may learn text features for its task instead.
 *
 * <p>Its weights live in the run's parameters beside the transformer's, under {@link #PREFIX} and the folder's own key
 * names ({@code text_encoder.shared.weight}, ...), so the optimizer, the EMA, gradient clipping and the finiteness check
 * treat them as any other parameter. Each step encodes the batch's token ids with {@link T5Encoder#of} on the training
 * tape, every weight and the relative position bias through backend ops, and applies caption dropout to the result.
 */
public final class TrainedTextEncoder {
    /** Prefix of the text encoder's tensors among a run's parameters. */
    public static final String PREFIX = "text_encoder.";

    private final T5Config config;

    public TrainedTextEncoder(T5Config config) {
        this.config = config;
    }

    /** The encoder of a model folder's {@code text_encoder/}: its config.json. */
    public static TrainedTextEncoder of(Path textEncoderDir) {
        Path cfg = textEncoderDir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            throw new IllegalArgumentException(textEncoderDir + ": no config.json (the text encoder to train)");
        }
        return new TrainedTextEncoder(T5Config.read(cfg));
    }

    public T5Config config() {
        return config;
    }

    /** Whether a parameter name is the text encoder's. */
    public static boolean owns(String name) {
        return name.startsWith(PREFIX);
    }

    /** The folder's weights widened to f32 on {@code be}, under their prefixed names. */
    public static Map<String, Tensor> weights(Path textEncoderDir, Backend be) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (TensorSource src = T5EncoderFolder.openWeights(textEncoderDir)) {
            for (String n : src.names()) m.put(PREFIX + n, be.upload(src.get(n).toF32()));
        }
        return m;
    }

    /** The text encoder's tensors of {@code all} under the folder's key names (the prefix removed), in order. */
    public static Map<String, Tensor> unprefixed(Map<String, Tensor> all) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        all.forEach((n, t) -> {
            if (owns(n)) m.put(n.substring(PREFIX.length()), t);
        });
        return m;
    }

    /** The tensors of {@code all} that are not the text encoder's (the transformer's), in order. */
    public static Map<String, Tensor> withoutTextEncoder(Map<String, Tensor> all) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        all.forEach((n, t) -> {
            if (!owns(n)) m.put(n, t);
        });
        return m;
    }

    /**
     * Caption features [B, 1, L, d_model] of token ids [B, L] with their mask, by the encoder whose weights are the
     * prefixed tensors of {@code params}, on {@code be} (a training tape records every op). Samples with
     * {@code drops[i]} get {@code yEmbedding} [L, d_model] instead, the official caption dropout done with tape ops:
     * a kept sample's features are multiplied by exactly 1 and get exactly 0 added.
     */
    public Tensor encode(Backend be, TensorSource params, Tensor inputIds, Tensor mask, boolean[] drops, Tensor yEmbedding) {
        int b = inputIds.dim(0), len = inputIds.dim(1);
        if (drops != null && drops.length != b) {
            throw new IllegalArgumentException("caption dropout: " + drops.length + " decisions for a batch of " + b);
        }
        Tensor y = T5Encoder.of(config, new Prefixed(params), be).encode(inputIds, mask).reshape(b, 1, len, config.dModel());
        boolean any = false;
        if (drops != null) for (boolean d : drops) any |= d;
        if (!any) return y;
        float[] keep = new float[b], drop = new float[b];
        for (int i = 0; i < b; i++) {
            keep[i] = drops[i] ? 0f : 1f;
            drop[i] = drops[i] ? 1f : 0f;
        }
        Tensor nullCaption = yEmbedding.reshape(1, 1, len, config.dModel());
        return be.add(be.mul(y, be.upload(Tensor.of(keep, b, 1, 1, 1))),
                be.mul(nullCaption, be.upload(Tensor.of(drop, b, 1, 1, 1))));
    }

    /** The text encoder's tensors of {@code params} under the folder's key names, for {@link T5Encoder#of}. */
    public static TensorSource weightsOf(TensorSource params) {
        return new Prefixed(params);
    }

    /** The tensors of {@code params} that are not the text encoder's: what the denoiser is built over. */
    public static TensorSource transformerOf(TensorSource params) {
        if (!presentIn(params)) return params;
        return new TensorSource() {
            @Override
            public Set<String> names() {
                Set<String> s = new java.util.LinkedHashSet<>();
                for (String n : params.names()) if (!owns(n)) s.add(n);
                return s;
            }

            @Override
            public Tensor get(String name) {
                if (owns(name)) throw new IllegalArgumentException(description() + ": no tensor named " + name);
                return params.get(name);
            }

            @Override
            public boolean contains(String name) {
                return !owns(name) && params.contains(name);
            }

            @Override
            public String description() {
                return "the transformer of " + params.description();
            }
        };
    }

    /** Whether {@code params} holds a text encoder's tensors. */
    public static boolean presentIn(TensorSource params) {
        return params.names().stream().anyMatch(TrainedTextEncoder::owns);
    }

    /** The prefixed tensors of a parameter set, seen under the folder's key names. */
    private record Prefixed(TensorSource params) implements TensorSource {
        @Override
        public Set<String> names() {
            Set<String> s = new java.util.LinkedHashSet<>();
            for (String n : params.names()) if (owns(n)) s.add(n.substring(PREFIX.length()));
            return s;
        }

        @Override
        public Tensor get(String name) {
            return params.get(PREFIX + name);
        }

        @Override
        public boolean contains(String name) {
            return params.contains(PREFIX + name);
        }

        @Override
        public String description() {
            return "the text encoder (" + PREFIX + "*) of " + params.description();
        }
    }
}
