package org.dimba4j.io.tokenizer;

import org.dimba4j.kernels.Tensor;

/**
 * Token ids of a batch of texts, padded to one length, and the attention mask (1 = token, 0 = padding).
 * Both are {@code [B, L]}.
 */
public record TokenBatch(long[][] ids, long[][] mask) {
    public TokenBatch {
        if (ids.length != mask.length) throw new IllegalArgumentException("ids has " + ids.length + " rows, mask " + mask.length);
    }

    public int batchSize() {
        return ids.length;
    }

    public int length() {
        return ids.length == 0 ? 0 : ids[0].length;
    }

    /** The number of real (unmasked) tokens of row b. */
    public int tokenCount(int b) {
        int n = 0;
        for (long m : mask[b]) n += (int) m;
        return n;
    }

    /** The ids as a host I64 tensor [B, L]. */
    public Tensor idsTensor() {
        return toTensor(ids);
    }

    /** The mask as a host I64 tensor [B, L]. */
    public Tensor maskTensor() {
        return toTensor(mask);
    }

    private Tensor toTensor(long[][] rows) {
        int b = rows.length, l = length();
        long[] flat = new long[b * l];
        for (int i = 0; i < b; i++) System.arraycopy(rows[i], 0, flat, i * l, l);
        return Tensor.ofLongs(flat, b, l);
    }
}
