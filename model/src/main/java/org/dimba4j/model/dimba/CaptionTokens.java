package org.dimba4j.model.dimba;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

/**
 * The caption tokens the cross-attention reads, with the padding dropped before any work is spent on it, as the
 * official forward does ({@code y.masked_select(mask != 0)} packed into one sequence with a block-diagonal mask).
 * Here each sample keeps its valid tokens, in order, in a [B, Lc, C_cap] batch (Lc = the most valid tokens of any
 * sample); the slots past a sample's count repeat one of its tokens and are masked out in {@link #keyMask}.
 *
 * @param y       caption features [B, Lc, caption_channels]
 * @param keyMask [B, Lc], 1 for a valid token, or null when every token is valid
 */
record CaptionTokens(Tensor y, Tensor keyMask) {

    /**
     * @param y    [B, 1, L, caption_channels]
     * @param mask [B, L] of 0/1 (already tiled over the batch) or null for "all valid"
     */
    static CaptionTokens of(Backend be, Tensor y, Tensor mask) {
        int b = y.dim(0), len = y.dim(2), channels = y.dim(3);
        if (mask == null) return new CaptionTokens(y.reshape(b, len, channels), null);
        float[] m = mask.toFloatArray();
        int kept = 1; // at least one slot, so a fully masked caption still has a (masked) key
        int[] count = new int[b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < len; j++) if (m[i * len + j] != 0f) count[i]++;
            kept = Math.max(kept, count[i]);
        }
        if (kept == len) return new CaptionTokens(y.reshape(b, len, channels), Tensor.of(m, b, len));
        long[] rows = new long[b * kept];
        float[] keyMask = new float[b * kept];
        for (int i = 0; i < b; i++) {
            int k = 0;
            for (int j = 0; j < len; j++) {
                if (m[i * len + j] != 0f) {
                    rows[i * kept + k] = (long) i * len + j;
                    keyMask[i * kept + k++] = 1f;
                }
            }
            for (; k < kept; k++) rows[i * kept + k] = (long) i * len; // a padding slot: masked, any row will do
        }
        Tensor gathered = be.embedding(y.reshape(b * len, channels), Tensor.ofLongs(rows, b, kept));
        return new CaptionTokens(gathered, Tensor.of(keyMask, b, kept));
    }
}
