package org.dimba4j.model.vae;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/**
 * diffusers {@code AutoencoderKL} (the SDXL VAE for Dimba): the encoder maps an image in [-1, 1] to a
 * diagonal Gaussian posterior over latents 8x smaller per side; the decoder maps (unscaled) latents back.
 * Diffusion runs on {@code latents * scalingFactor()}; callers divide by it before {@link #decode}.
 *
 * <p>Loaded from a diffusers {@code vae/} folder ({@code config.json} + {@code diffusion_pytorch_model.safetensors})
 * with the original key names; weights stay memory-mapped in their stored dtype.
 */
public final class AutoencoderKL implements AutoCloseable {
    /** diffusers' tile_overlap_factor. */
    public static final float TILE_OVERLAP = 0.25f;

    private final VaeConfig config;
    private final Backend backend;
    private final TensorSource weights;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;

    private AutoencoderKL(VaeConfig config, Backend backend, TensorSource weights) {
        this.config = config;
        this.backend = backend;
        this.weights = weights;
        VaeWeights w = new VaeWeights(weights, backend);
        Modules m = Modules.load(w, config);
        this.encoder = m.encoder();
        this.decoder = m.decoder();
        this.quantConv = m.quantConv();
        this.postQuantConv = m.postQuantConv();
        w.checkAllUsed();
    }

    /** The top-level modules, by their diffusers prefixes. */
    private record Modules(Encoder encoder, Decoder decoder, Conv2d quantConv, Conv2d postQuantConv) {
        static Modules load(VaeWeights w, VaeConfig config) {
            int z = config.latentChannels();
            return new Modules(
                    Encoder.load(w, "encoder", config),
                    Decoder.load(w, "decoder", config),
                    config.useQuantConv() ? Conv2d.load(w, "quant_conv", 2 * z, 2 * z, 1, 1, 0) : null,
                    config.usePostQuantConv() ? Conv2d.load(w, "post_quant_conv", z, z, 1, 1, 0) : null);
        }
    }

    /** Every tensor a diffusers checkpoint of this config holds: key -> shape, in load order. */
    public static Map<String, int[]> expectedTensors(VaeConfig config) {
        VaeWeights recorder = VaeWeights.recorder();
        Modules.load(recorder, config);
        return Collections.unmodifiableMap(recorder.requested());
    }

    /**
     * Loads a diffusers VAE folder ({@code config.json} and the weights), or a model folder with a {@code vae/}
     * subfolder.
     */
    public static AutoencoderKL load(Path dir, Backend backend) {
        if (!Files.isRegularFile(dir.resolve("config.json")) && Files.isRegularFile(dir.resolve("vae").resolve("config.json"))) {
            dir = dir.resolve("vae");
        }
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("VAE folder " + dir + " has no config.json (expected a diffusers vae/ folder)");
        }
        VaeConfig config = VaeConfig.load(configFile);
        TensorSource source = VaeFiles.openWeights(dir);
        try {
            return new AutoencoderKL(config, backend, source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** An AutoencoderKL over already opened weights (it takes ownership and closes them). */
    public static AutoencoderKL of(VaeConfig config, TensorSource weights, Backend backend) {
        return new AutoencoderKL(config, backend, weights);
    }

    public VaeConfig config() {
        return config;
    }

    /** Latents are multiplied by this before diffusion (SDXL: 0.13025) and divided by it before decoding. */
    public float scalingFactor() {
        return config.scalingFactor();
    }

    /** Subtracted before scaling (0 for the SD/SDXL VAEs). */
    public float shiftFactor() {
        return config.shiftFactor();
    }

    /** Image [N, 3, H, W] in [-1, 1] -> posterior over latents [N, latent, H/8, W/8] (host tensors). Untiled. */
    public DiagonalGaussian encode(Tensor sample) {
        check("sample", sample, config.inChannels());
        return posterior(encodeOnBackend(backend.upload(sample)));
    }

    /**
     * Encodes in image tiles of {@code tileSample} pixels overlapping by {@code overlap}, blended in latent space
     * as diffusers' _tiled_encode (enable_tiling()); an image no larger than one tile is encoded in one piece.
     */
    public DiagonalGaussian encodeTiled(Tensor sample, int tileSample, float overlap) {
        check("sample", sample, config.inChannels());
        checkTile(tileSample);
        Tensor x = backend.upload(sample);
        if (x.dim(2) <= tileSample && x.dim(3) <= tileSample) return posterior(encodeOnBackend(x));
        return posterior(Tiling.encoding(backend, this::encodeOnBackend, tileSample, config.downsampleFactor(), overlap).run(x));
    }

    /**
     * The posterior of {@code x} [N, 3, H, W] (already on the backend) with its tensors left on the backend: what
     * training needs, where the backend is an autograd tape recording the encoder.
     */
    public DiagonalGaussian posteriorOnBackend(Tensor x) {
        check("sample", x, config.inChannels());
        return DiagonalGaussian.fromMoments(backend, encodeOnBackend(x));
    }

    /** Unscaled latents on the backend -> image on the backend (no download), the training counterpart of {@link #decode}. */
    public Tensor decodeOnBackend(Tensor z) {
        check("latents", z, config.latentChannels());
        if (postQuantConv != null) z = postQuantConv.forward(backend, z);
        return decoder.forward(backend, z);
    }

    private Tensor encodeOnBackend(Tensor x) {
        Tensor moments = encoder.forward(backend, x);
        return quantConv == null ? moments : quantConv.forward(backend, moments);
    }

    private DiagonalGaussian posterior(Tensor moments) {
        DiagonalGaussian p = DiagonalGaussian.fromMoments(backend, moments);
        return new DiagonalGaussian(backend.download(p.mean()), backend.download(p.logvar()));
    }

    /** Unscaled latents [N, latent, h, w] -> image [N, 3, 8h, 8w], about [-1, 1] (a host tensor). Untiled. */
    public Tensor decode(Tensor latents) {
        check("latents", latents, config.latentChannels());
        return backend.download(decodeOnBackend(backend.upload(latents)));
    }

    /**
     * Tiled decoding with diffusers' defaults (enable_tiling()): tiles of config sample_size pixels with 25%
     * overlap; latents no larger than one tile decode in one piece.
     */
    public Tensor decodeTiled(Tensor latents) {
        return decodeTiled(latents, config.sampleSize(), TILE_OVERLAP);
    }

    /**
     * Decodes in tiles of {@code tileSample} pixels (a multiple of the downsampling factor, e.g. 512) that
     * overlap by {@code overlap}, blended as diffusers' tiled_decode. Memory holds one tile's activations.
     */
    public Tensor decodeTiled(Tensor latents, int tileSample, float overlap) {
        check("latents", latents, config.latentChannels());
        checkTile(tileSample);
        int f = config.downsampleFactor(), tileLatent = tileSample / f;
        Tensor z = backend.upload(latents);
        if (z.dim(2) <= tileLatent && z.dim(3) <= tileLatent) return backend.download(decodeOnBackend(z));
        return backend.download(Tiling.decoding(backend, this::decodeOnBackend, tileSample, f, overlap).run(z));
    }

    private void checkTile(int tileSample) {
        int f = config.downsampleFactor();
        if (tileSample < f || tileSample % f != 0) {
            throw new IllegalArgumentException("VAE tile size " + tileSample + " px must be a positive multiple of " + f);
        }
    }

    private static void check(String name, Tensor t, int channels) {
        if (t.rank() != 4 || t.dim(1) != channels || t.dim(2) < 1 || t.dim(3) < 1) {
            throw new IllegalArgumentException("VAE input '" + name + "' has shape " + Shape.str(t.shape())
                    + ", expected [N, " + channels + ", H, W]");
        }
    }

    @Override
    public void close() {
        weights.close();
    }
}
