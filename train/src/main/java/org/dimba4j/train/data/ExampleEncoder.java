package org.dimba4j.train.data;

import org.dimba4j.io.tokenizer.SentencePieceTokenizer;
import org.dimba4j.io.tokenizer.TokenBatch;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.t5.T5Encoder;
import org.dimba4j.model.vae.AutoencoderKL;
import org.dimba4j.model.vae.DiagonalGaussian;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns (pixels, caption) into a {@link TrainingExample} with a model folder's own encoders, as the official loop
 * does when it is not given precomputed features: {@code vae.encode(img).latent_dist} (mean and logvar kept, the
 * trainer samples), and the caption tokenized with {@code padding="max_length", truncation=True} to the
 * transformer's model_max_length, then T5 with that attention mask. One example at a time, so an online run and a
 * cache made by {@code dimba cache} see the same numbers.
 */
public final class ExampleEncoder implements AutoCloseable {
    private final SentencePieceTokenizer tokenizer;
    private final T5Encoder textEncoder;
    private final AutoencoderKL vae;
    private final DimbaConfig transformer;

    private ExampleEncoder(SentencePieceTokenizer tokenizer, T5Encoder textEncoder, AutoencoderKL vae, DimbaConfig transformer) {
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.vae = vae;
        this.transformer = transformer;
    }

    /** Loads tokenizer/, text_encoder/, vae/ and transformer/config.json of a model folder. */
    public static ExampleEncoder load(Path modelDir, Backend backend) {
        for (String part : List.of("tokenizer", "text_encoder", "vae", "transformer/config.json")) {
            if (!Files.exists(modelDir.resolve(part))) {
                throw new IllegalArgumentException(modelDir + ": no " + part + " (a model folder holds tokenizer/,"
                        + " text_encoder/, transformer/ and vae/)");
            }
        }
        DimbaConfig cfg = DimbaConfig.load(modelDir.resolve("transformer/config.json"));
        T5Encoder t5 = T5Encoder.load(modelDir.resolve("text_encoder"), backend);
        if (t5.config().dModel() != cfg.captionChannels()) {
            throw new IllegalArgumentException(modelDir + ": text_encoder d_model " + t5.config().dModel()
                    + " does not match transformer caption_channels " + cfg.captionChannels());
        }
        AutoencoderKL vae = AutoencoderKL.load(modelDir.resolve("vae"), backend);
        if (vae.config().latentChannels() != cfg.inChannels()) {
            throw new IllegalArgumentException(modelDir + ": vae latent_channels " + vae.config().latentChannels()
                    + " does not match transformer in_channels " + cfg.inChannels());
        }
        return new ExampleEncoder(SentencePieceTokenizer.loadAsTransformers(modelDir.resolve("tokenizer")), t5, vae, cfg);
    }

    /** The side of the training images: the transformer's latent input_size times the VAE's downsampling factor. */
    public int imageSize() {
        return transformer.inputSize() * vae.config().downsampleFactor();
    }

    public int modelMaxLength() {
        return transformer.modelMaxLength();
    }

    public int captionChannels() {
        return transformer.captionChannels();
    }

    /** pixels [3, S, S] in [-1, 1] (S = {@link #imageSize()}) and a caption -> the example. */
    public TrainingExample encode(String id, Tensor pixels, String caption) {
        int s = imageSize();
        if (pixels.rank() != 3 || pixels.dim(0) != 3 || pixels.dim(1) != s || pixels.dim(2) != s) {
            throw new IllegalArgumentException(id + ": pixels " + java.util.Arrays.toString(pixels.shape())
                    + ", expected [3, " + s + ", " + s + "]");
        }
        DiagonalGaussian posterior = vae.encode(pixels.reshape(1, 3, s, s));
        int[] ls = posterior.mean().shape();
        int len = modelMaxLength();
        TokenBatch tokens = tokenizer.batch(List.of(caption), len, true);
        Tensor features = textEncoder.encode(tokens.idsTensor(), tokens.maskTensor());
        return new TrainingExample(id,
                posterior.mean().reshape(ls[1], ls[2], ls[3]),
                posterior.logvar().reshape(ls[1], ls[2], ls[3]),
                features.reshape(len, captionChannels()),
                tokens.maskTensor().reshape(len),
                tokens.idsTensor().reshape(len));
    }

    @Override
    public void close() {
        textEncoder.close();
        vae.close();
    }
}
