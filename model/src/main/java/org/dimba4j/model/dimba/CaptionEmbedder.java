package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * {@code y_embedder}: projects T5 token features [B, 1, L, caption_channels] to the model width with {@code y_proj}.
 * {@code y_embedding} [model_max_length, caption_channels] is the learned null caption that training swaps in for
 * dropped captions; the released inference script uses T5("") instead, so the forward never reads it.
 */
record CaptionEmbedder(Mlp yProj, Tensor yEmbedding) {

    /** [B, L, C] from y [B, 1, L, caption_channels] (or [B, L, caption_channels]). */
    Tensor forward(Backend be, Tensor y) {
        Tensor tokens = y.rank() == 4 ? y.reshape(y.dim(0), y.dim(2), y.dim(3)) : y;
        return yProj.forward(be, tokens);
    }
}
