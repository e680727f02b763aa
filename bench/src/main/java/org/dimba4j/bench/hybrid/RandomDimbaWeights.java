package org.dimba4j.bench.hybrid;

import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaKeys;
import org.dimba4j.train.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random f32 weights for every tensor a Dimba of a given config expects ({@link DimbaKeys#expected}), so a
 * model of any width and depth can be timed without a checkpoint file. The values follow the official
 * initialisations closely enough to keep activations finite and normal (no NaN, no denormals, which would distort
 * timings): linear weights N(0, 0.02), biases 0, scale-shift tables N(0, 1)/sqrt(C), Mamba's S4D-real
 * {@code A_log = log(1..d_state)}, {@code D = 1} and a dt bias giving dt in [0.001, 0.1].
 */
public final class RandomDimbaWeights {
    private RandomDimbaWeights() {}

    /** @param mambaLayers false for the pure-attention stack ({@code Dimba.attentionOnly}) */
    public static Parameters of(DimbaConfig config, boolean mambaLayers, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : DimbaKeys.expected(config, mambaLayers).entrySet()) {
            if (e.getKey().equals(DimbaKeys.POS_EMBED)) continue; // optional buffer, recomputed per forward
            tensors.put(e.getKey(), Tensor.of(values(e.getKey(), e.getValue(), rnd), e.getValue()));
        }
        String description = "random weights (seed " + seed + ", hidden " + config.hiddenSize() + ", depth " + config.depth()
                + (mambaLayers ? ", " + config.mambaDepth() + " Mamba layers)" : ", no Mamba layers)");
        return Parameters.of(tensors, description);
    }

    private static float[] values(String name, int[] shape, SplittableRandom rnd) {
        float[] v = new float[Math.toIntExact(Shape.numel(shape))];
        int last = shape[shape.length - 1];
        if (name.endsWith("A_log") || name.endsWith("A_b_log")) {
            for (int i = 0; i < v.length; i++) v[i] = (float) Math.log(1 + i % last);
        } else if (name.endsWith(".D") || name.endsWith(".D_b")) {
            java.util.Arrays.fill(v, 1f);
        } else if (name.contains("dt_proj") && name.endsWith(".bias")) {
            for (int i = 0; i < v.length; i++) {
                double dt = Math.exp(rnd.nextDouble() * (Math.log(0.1) - Math.log(0.001)) + Math.log(0.001));
                v[i] = (float) (dt + Math.log(-Math.expm1(-dt))); // inverse softplus
            }
        } else if (name.endsWith("scale_shift_table") || name.endsWith("y_embedding")) {
            double std = 1 / Math.sqrt(last);
            for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * std);
        } else if (name.endsWith(".bias")) {
            return v;
        } else if (name.endsWith("norm.weight")) {
            java.util.Arrays.fill(v, 1f);
        } else {
            for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * 0.02);
        }
        return v;
    }
}
