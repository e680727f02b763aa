package org.dimba4j.model.t5;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * T5's learned relative position bias, computed once in the first block and added to the attention logits
 * of every block. A key at distance {@code j - i} from the query falls into one of {@code num_buckets}
 * buckets: half for keys after the query, half for keys before; within a half, small distances get their own
 * bucket and larger ones share log-spaced buckets up to {@code max_distance}.
 */
public final class T5RelativePositionBias {
    private final int numBuckets;
    private final int maxDistance;
    private final Tensor weight; // relative_attention_bias.weight [num_buckets, H], as given
    private final float[] table; // the same, widened once (it is tiny)
    private final int heads;

    public T5RelativePositionBias(Tensor relativeAttentionBias, int maxDistance) {
        this.numBuckets = relativeAttentionBias.dim(0);
        this.heads = relativeAttentionBias.dim(1);
        this.maxDistance = maxDistance;
        this.weight = relativeAttentionBias;
        this.table = relativeAttentionBias.toFloatArray();
    }

    /**
     * The bucket of {@code relativePosition = key - query} (transformers' {@code _relative_position_bucket}
     * with bidirectional=True). The log step is done in float32 like PyTorch, which decides the edges.
     */
    public static int bucket(int relativePosition, int numBuckets, int maxDistance) {
        int half = numBuckets / 2;
        int bucket = relativePosition > 0 ? half : 0;
        int n = Math.abs(relativePosition);
        int maxExact = half / 2;
        if (n < maxExact) return bucket + n;
        float ratio = (float) n / (float) maxExact;
        float log = (float) Math.log(ratio);
        float scaled = log / (float) Math.log((double) maxDistance / maxExact) * (float) (half - maxExact);
        int large = maxExact + (int) scaled;
        return bucket + Math.min(large, half - 1);
    }

    /** The bias [H, L, L] for a sequence of length L: bias[h, i, j] = table[bucket(j - i), h]. */
    public Tensor forward(int length) {
        float[] out = new float[heads * length * length];
        float[] byDistance = new float[(2 * length - 1) * heads];
        for (int d = -(length - 1); d < length; d++) {
            int b = bucket(d, numBuckets, maxDistance);
            for (int h = 0; h < heads; h++) byDistance[(d + length - 1) * heads + h] = table[b * heads + h];
        }
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < length; i++) {
                int row = (h * length + i) * length;
                for (int j = 0; j < length; j++) out[row + j] = byDistance[(j - i + length - 1) * heads + h];
            }
        }
        return Tensor.of(out, heads, length, length);
    }

    /**
     * The same bias [H, L, L] gathered on {@code be} from the table as given ({@code embedding} of each (i, j)'s
     * bucket, then heads first): the same numbers as {@link #forward(int)}, and on a training tape the table gets its
     * gradient through the gather.
     */
    public Tensor forward(Backend be, int length) {
        long[] buckets = new long[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = 0; j < length; j++) buckets[i * length + j] = bucket(j - i, numBuckets, maxDistance);
        }
        Tensor rows = be.embedding(weight, be.upload(Tensor.ofLongs(buckets, length * length)));
        return be.permute(rows.reshape(length, length, heads), 2, 0, 1);
    }

    public int heads() {
        return heads;
    }
}
