package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

/**
 * {@code t_embedder}: the 256-d sinusoid of the (possibly fractional) timestep, ordered [cos, sin] as in GLIDE, then
 * {@code mlp.0} -> SiLU -> {@code mlp.2}. The frequencies are computed in float32 like torch does.
 */
record TimestepEmbedder(Linear mlp0, Linear mlp2) {
    static final int FREQUENCY_EMBEDDING_SIZE = 256;
    static final double MAX_PERIOD = 10000;

    Tensor forward(Backend be, Tensor timestep) {
        return mlp2.forward(be, be.silu(mlp0.forward(be, be.upload(sinusoid(timestep)))));
    }

    /** [B, 256]: cos(t * f_k) for k < 128, then sin(t * f_k); f_k = exp(-ln(10000) * k / 128). */
    static Tensor sinusoid(Tensor timestep) {
        float[] t = timestep.toFloatArray();
        int half = FREQUENCY_EMBEDDING_SIZE / 2;
        float[] out = new float[t.length * FREQUENCY_EMBEDDING_SIZE];
        float minusLog = (float) -Math.log(MAX_PERIOD);
        for (int k = 0; k < half; k++) {
            float freq = (float) Math.exp((minusLog * k) / half);
            for (int b = 0; b < t.length; b++) {
                float arg = t[b] * freq;
                out[b * FREQUENCY_EMBEDDING_SIZE + k] = (float) Math.cos(arg);
                out[b * FREQUENCY_EMBEDDING_SIZE + half + k] = (float) Math.sin(arg);
            }
        }
        return Tensor.of(out, t.length, FREQUENCY_EMBEDDING_SIZE);
    }
}
