package org.dimba4j.model.dimba;

import org.dimba4j.io.TensorSource;
import org.dimba4j.io.Checkpoints;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The Dimba denoiser (feizc/Dimba {@code Dimba}): PixArt blocks interleaved with bidirectional Mamba layers.
 * <pre>
 *   x  = x_embedder(latent) + sincos2d(grid)            t  = t_embedder(timestep)     t0 = t_block(t)
 *   y  = y_embedder(caption)                            residual = none
 *   for i in 0..depth-1:
 *       x = blocks[i](x, y, t0, mask)
 *       if a Mamba layer follows block i:  residual = x (+ residual);  x = mixer(RMSNorm(residual))
 *   out = unpatchify(final_layer(x, t))                 [B, out_channels, H, W]
 * </pre>
 */
public final class Dimba implements AutoCloseable {
    private final DimbaConfig config;
    private final Backend be;
    private final TensorSource weights;
    private final PatchEmbed xEmbedder;
    private final TimestepEmbedder tEmbedder;
    private final Linear tBlock;
    private final CaptionEmbedder yEmbedder;
    private final List<DimbaBlock> blocks;
    private final List<MambaBlock> mambaBlocks;
    private final T2IFinalLayer finalLayer;
    private final BlockRunner runner;

    private Dimba(DimbaConfig config, TensorSource weights, Backend be, boolean mambaLayers) {
        this.config = config;
        this.be = be;
        this.weights = weights;
        DimbaKeys k = DimbaKeys.checked(config, weights, mambaLayers);
        xEmbedder = k.xEmbedder();
        tEmbedder = k.tEmbedder();
        tBlock = k.tBlock();
        yEmbedder = k.yEmbedder();
        blocks = IntStream.range(0, config.depth()).mapToObj(k::block).toList();
        int mambaCount = mambaLayers ? config.mambaDepth() : 0;
        mambaBlocks = IntStream.range(0, mambaCount).mapToObj(k::mambaBlock).toList();
        finalLayer = k.finalLayer();
        runner = BlockRunner.DIRECT;
    }

    private Dimba(Dimba m, BlockRunner runner) {
        config = m.config;
        be = m.be;
        weights = m.weights;
        xEmbedder = m.xEmbedder;
        tEmbedder = m.tEmbedder;
        tBlock = m.tBlock;
        yEmbedder = m.yEmbedder;
        blocks = m.blocks;
        mambaBlocks = m.mambaBlocks;
        finalLayer = m.finalLayer;
        this.runner = runner;
    }

    /** The same model (same weights) running each block through {@code runner} (training: gradient checkpointing). */
    public Dimba withBlockRunner(BlockRunner runner) {
        return new Dimba(this, java.util.Objects.requireNonNull(runner, "runner"));
    }

    /**
     * A model folder's {@code transformer/}: {@code config.json} and the weights under the official tensor names,
     * one {@code *.safetensors} file or shards with their {@code *.safetensors.index.json} (memory-mapped; closing
     * the model unmaps them).
     */
    public static Dimba load(Path transformerDir, Backend be) {
        DimbaConfig config = DimbaConfig.load(transformerDir.resolve("config.json"));
        return of(config, openWeights(transformerDir), be);
    }

    /**
     * A model over tensors already opened; the model owns (and closes) the source, also when they do not fit. Weights
     * without a single {@code mamba_blocks.*} tensor are the {@link #attentionOnly} stack (what {@code dimba init-model
     * --attention-only} writes); with some but not all of them the missing ones are named in the error.
     */
    public static Dimba of(DimbaConfig config, TensorSource weights, Backend be) {
        return build(config, weights, be, DimbaKeys.holdsMambaLayers(weights));
    }

    /**
     * The same network with its Mamba layers removed: the DimbaBlocks alone at the same width and depth, i.e. a
     * PixArt-alpha stack ({@code x = blocks[i](x, y, t0, mask)}, then the final layer). For the paper's hybrid
     * versus pure-attention comparison; {@code weights} must hold exactly {@code DimbaKeys.expected(config, false)}.
     */
    public static Dimba attentionOnly(DimbaConfig config, TensorSource weights, Backend be) {
        return build(config, weights, be, false);
    }

    private static Dimba build(DimbaConfig config, TensorSource weights, Backend be, boolean mambaLayers) {
        try {
            return new Dimba(config, weights, be, mambaLayers);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** Whether the Mamba layers are present (false for {@link #attentionOnly}). */
    public boolean hasMambaLayers() {
        return !mambaBlocks.isEmpty();
    }

    /** The transformer weights: one safetensors file, shards with their index, or the official torch file. */
    static TensorSource openWeights(Path dir) {
        return Checkpoints.open(dir);
    }

    public DimbaConfig config() {
        return config;
    }

    /** The learned null caption {@code y_embedder.y_embedding} [model_max_length, caption_channels] (training CFG). */
    public Tensor nullCaption() {
        return yEmbedder.yEmbedding();
    }

    /**
     * @param x        noisy latents [B, in_channels, H, W], H and W multiples of patch_size (any size: the position
     *                 embedding is computed for this grid)
     * @param timestep [B] (or [1], shared), the model's time input in 0..1000 (fractional allowed)
     * @param y        caption features [B, 1, L, caption_channels] (T5 outputs)
     * @param mask     caption mask [B, L], or [k, L] with k dividing B, tiled over the batch as the official code does
     *                 (CFG: the prompt's mask serves both halves); tokens where it is 0 are dropped from
     *                 cross-attention; null attends to all L tokens
     * @return [B, out_channels, H, W]; with pred_sigma the first in_channels are epsilon, the rest the variance
     */
    public Tensor forward(Tensor x, Tensor timestep, Tensor y, Tensor mask) {
        int bsz = x.dim(0), p = config.patchSize();
        if (x.rank() != 4 || x.dim(1) != config.inChannels() || x.dim(2) % p != 0 || x.dim(3) % p != 0) {
            throw new IllegalArgumentException("Dimba.forward: x must be [B, " + config.inChannels() + ", H, W] with H, W"
                    + " multiples of " + p + ", got " + x);
        }
        if (y.rank() != 4 || y.dim(0) != bsz || y.dim(1) != 1 || y.dim(3) != config.captionChannels()) {
            throw new IllegalArgumentException("Dimba.forward: y must be [" + bsz + ", 1, L, " + config.captionChannels()
                    + "], got " + y);
        }
        int h = x.dim(2) / p, w = x.dim(3) / p, len = y.dim(2);
        Tensor t = tEmbedder.forward(be, timesteps(timestep, bsz));
        Tensor t0 = tBlock.forward(be, be.silu(t));
        CaptionTokens caption = CaptionTokens.of(be, y, keyMask(mask, bsz, len));
        Tensor cond = yEmbedder.forward(be, caption.y());
        Tensor keyMask = caption.keyMask();

        Tensor pos = be.upload(SinCosPosEmbed.compute(config.hiddenSize(), h, w, config.baseSize(), config.peInterpolation()));
        Tensor hidden = be.add(xEmbedder.forward(be, x), pos);
        Tensor residual = null;
        for (int i = 0; i < config.depth(); i++) {
            int block = i;
            Tensor[] out = runner.run("blocks." + i, be, (b, in) -> block(b, block, in), hidden, residual, cond, keyMask, t0);
            hidden = out[0];
            residual = out[1];
        }
        return unpatchify(finalLayer.forward(be, hidden, t), h, w);
    }

    /** Block i and the Mamba layer after it: {hidden, residual} from {hidden, residual, cond, keyMask, t0}. */
    private Tensor[] block(Backend b, int i, Tensor[] in) {
        Tensor hidden = blocks.get(i).forward(b, in[0], in[2], in[3], in[4]), residual = in[1];
        int m = mambaBlocks.isEmpty() ? -1 : config.mambaAfterBlock(i);
        if (m >= 0) {
            MambaBlock.State s = mambaBlocks.get(m).forward(b, hidden, residual);
            hidden = s.hidden();
            residual = s.residual();
        }
        return new Tensor[] {hidden, residual};
    }

    /** [B, h*w, p*p*c] -> [B, c, h*p, w*p], via 'nhwpqc->nchpwq'. */
    private Tensor unpatchify(Tensor x, int h, int w) {
        int b = x.dim(0), p = config.patchSize(), c = config.outChannels();
        Tensor img = be.permute(x.reshape(b, h, w, p, p, c), 0, 5, 1, 3, 2, 4);
        return img.reshape(b, c, h * p, w * p);
    }

    private Tensor timesteps(Tensor timestep, int bsz) {
        if (timestep.numel() == bsz) return timestep.reshape(bsz);
        if (timestep.numel() == 1) {
            float[] t = new float[bsz];
            java.util.Arrays.fill(t, timestep.toFloatArray()[0]);
            return Tensor.of(t, bsz);
        }
        throw new IllegalArgumentException("Dimba.forward: timestep must have " + bsz + " elements (or 1), got " + timestep);
    }

    /**
     * The official code tiles a mask with fewer rows over the batch ({@code mask.repeat(B // rows, 1)}: under CFG the
     * prompt's mask also cuts the null caption) and keeps the tokens where mask != 0.
     */
    private static Tensor keyMask(Tensor mask, int bsz, int len) {
        if (mask == null) return null;
        long n = mask.numel();
        if (n % len != 0 || bsz % (n / len) != 0 || n == 0) {
            throw new IllegalArgumentException("Dimba.forward: mask must be [" + bsz + ", " + len + "] (or [k, " + len
                    + "] with k dividing " + bsz + ", tiled over the batch), got " + mask);
        }
        float[] src = mask.toFloatArray(), out = new float[bsz * len];
        for (int i = 0; i < out.length; i++) out[i] = src[(int) (i % n)] != 0f ? 1f : 0f;
        return Tensor.of(out, bsz, len);
    }

    @Override
    public void close() {
        weights.close();
    }
}
