package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The official initialisation of a fresh Dimba, as the constructor of {@code Dimba} (feizc/Dimba
 * {@code diffusion/model/nets/dimba.py}) leaves the weights: the module defaults, then {@code initialize()}, then
 * {@code apply(partial(_init_weights, n_layer=mamba_depth))}. Read off the code (and checked against the statistics of
 * the official model built under {@code torch.manual_seed}, {@code tools/fixtures/train/official_init.py}), the net
 * effect per tensor is:
 * <ul>
 *   <li>every Linear weight: {@code xavier_uniform_} (U(-a, a), a = sqrt(6 / (fan_in + fan_out))), also the Mamba
 *       layers' in_proj, x_proj and dt_proj: {@code _basic_init} runs after Mamba's own dt_proj init and overwrites it;</li>
 *   <li>every Linear bias: 0, the Mamba dt_proj bias included: {@code _basic_init} zeroes it before
 *       {@code _init_weights} skips it as {@code _no_reinit}, so Mamba's inverse-softplus dt init does not survive;</li>
 *   <li>{@code x_embedder.proj.weight}: xavier over the flattened [C, in*p*p]; its bias keeps Conv2d's default
 *       U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (the official code never resets it);</li>
 *   <li>{@code t_embedder.mlp.0/2}, {@code t_block.1}, {@code y_embedder.y_proj.fc1} weights: N(0, 0.02^2);</li>
 *   <li>{@code mlp.fc2}, {@code y_proj.fc2} and the mixers' {@code out_proj} weights: GPT-2's rescaled residual init,
 *       kaiming_uniform(a = sqrt 5) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)), divided by sqrt(n_layer) with n_layer =
 *       int(mamba_ratio * depth) (this replaces y_proj.fc2's N(0, 0.02^2));</li>
 *   <li>{@code cross_attn.proj} and {@code final_layer.linear}: 0 (weight and bias);</li>
 *   <li>{@code scale_shift_table}s: randn / sqrt(hidden); {@code y_embedding}: randn / sqrt(caption_channels);</li>
 *   <li>Mamba: conv1d(_b) weight and bias Conv1d's default U(-1/sqrt(d_conv), 1/sqrt(d_conv)) (depthwise: fan_in =
 *       d_conv); A_log(_b) = log(1..d_state) on every row (S4D real); D(_b) = 1; the RMSNorm weight 1;</li>
 *   <li>{@code pos_embed}: the fixed 2-D sin-cos table at the training grid.</li>
 * </ul>
 * Torch draws all of these from one stream in module-construction order; dimba4j cannot and need not replay that, so
 * each tensor has its own stream derived from (seed, name): the same seed gives the same weights, whatever tensors a
 * config has.
 */
public final class DimbaInit {
    private static final double TIMESTEP_AND_CAPTION_STD = 0.02;

    private DimbaInit() {}

    /** Every tensor of {@link DimbaKeys#expected(DimbaConfig)}, initialised as the official constructor does. */
    public static Map<String, Tensor> initialise(DimbaConfig config, long seed) {
        return initialise(config, seed, true);
    }

    /** As {@link #initialise(DimbaConfig, long)}; without {@code mambaLayers} for the attention-only stack. */
    public static Map<String, Tensor> initialise(DimbaConfig config, long seed, boolean mambaLayers) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        DimbaKeys.expected(config, mambaLayers).forEach((name, shape) -> out.put(name, tensor(config, seed, name, shape)));
        return out;
    }

    /**
     * The {@code pos_embed} buffer [1, base_size^2, hidden] of a model with this config: the sin-cos table at its
     * training grid, with its base_size and pe_interpolation, as the official {@code initialize_weights} fills it.
     */
    public static Tensor posEmbed(DimbaConfig c) {
        int b = c.baseSize();
        return SinCosPosEmbed.compute(c.hiddenSize(), b, b, b, c.peInterpolation()).reshape(1, b * b, c.hiddenSize());
    }

    private static Tensor tensor(DimbaConfig c, long seed, String name, int[] shape) {
        int n = 1;
        for (int d : shape) n = Math.multiplyExact(n, d);
        float[] v = new float[n];
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        int fanIn = shape.length >= 2 ? n / shape[0] : 0;
        int fanOut = shape.length >= 2 ? shape[0] : 0;
        if (name.equals(DimbaKeys.POS_EMBED)) {
            return posEmbed(c);
        } else if (name.equals("x_embedder.proj.bias")) {
            uniform(v, 1 / Math.sqrt(c.inChannels() * c.patchSize() * c.patchSize()), rnd);
        } else if (name.matches(".*\\.conv1d(_b)?\\.(weight|bias)")) {
            uniform(v, 1 / Math.sqrt(c.dConv()), rnd);
        } else if (name.endsWith(".A_log") || name.endsWith(".A_b_log")) {
            int ds = shape[1];
            for (int i = 0; i < n; i++) v[i] = (float) Math.log(i % ds + 1);
        } else if (name.endsWith(".D") || name.endsWith(".D_b") || name.endsWith(".norm.weight")) {
            java.util.Arrays.fill(v, 1f);
        } else if (name.endsWith(".bias") || name.equals("final_layer.linear.weight")
                || name.matches("blocks\\.\\d+\\.cross_attn\\.proj\\.weight")) {
            // zeros: every Linear bias, the cross-attention output and the final projection
        } else if (name.endsWith("scale_shift_table")) {
            normal(v, 1 / Math.sqrt(c.hiddenSize()), rnd);
        } else if (name.equals("y_embedder.y_embedding")) {
            normal(v, 1 / Math.sqrt(c.captionChannels()), rnd);
        } else if (name.equals("t_embedder.mlp.0.weight") || name.equals("t_embedder.mlp.2.weight")
                || name.equals("t_block.1.weight") || name.equals("y_embedder.y_proj.fc1.weight")) {
            normal(v, TIMESTEP_AND_CAPTION_STD, rnd);
        } else if (name.endsWith("mlp.fc2.weight") || name.equals("y_embedder.y_proj.fc2.weight")
                || name.endsWith("mixer.out_proj.weight")) {
            uniform(v, 1 / Math.sqrt(fanIn) / Math.sqrt(c.mambaDepth()), rnd);
        } else if (name.endsWith(".weight") && shape.length >= 2) {
            uniform(v, Math.sqrt(6.0 / (fanIn + fanOut)), rnd); // xavier_uniform_, x_embedder's conv as [C, in*p*p]
        } else {
            throw new IllegalStateException("no official initialisation rule for Dimba tensor '" + name + "'");
        }
        return Tensor.of(v, shape);
    }

    private static void uniform(float[] v, double bound, SplittableRandom rnd) {
        for (int i = 0; i < v.length; i++) v[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
    }

    private static void normal(float[] v, double std, SplittableRandom rnd) {
        for (int i = 0; i < v.length; i++) v[i] = (float) (std * rnd.nextGaussian());
    }
}
