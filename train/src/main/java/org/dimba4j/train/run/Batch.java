package org.dimba4j.train.run;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.train.data.TrainingData;
import org.dimba4j.train.data.TrainingExample;

import java.util.Arrays;

/**
 * The examples of one step stacked on the host: posterior mean and log-variance, captions and their masks, and the
 * captions' token ids ({@code inputIds}, null unless every example has them).
 */
record Batch(float[] mean, float[] logvar, int[] latentShape, float[] captions, int[] captionShape, long[] maskIds,
             long[] inputIds) {

    static Batch of(TrainingData data, int[] ids) {
        TrainingExample first = data.get(ids[0]);
        int[] ls = first.latentMean().shape(), cs = first.caption().shape();
        if (ls.length != 3 || cs.length != 2) {
            throw new IllegalArgumentException(data.description() + ": example " + first.id() + " has latent "
                    + Arrays.toString(ls) + " and caption " + Arrays.toString(cs) + ", expected [C, h, w] and [L, D]");
        }
        int ln = ls[0] * ls[1] * ls[2], cn = cs[0] * cs[1], b = ids.length;
        float[] mean = new float[b * ln], logvar = new float[b * ln], cap = new float[b * cn];
        long[] mask = new long[b * cs[0]];
        long[] tokens = first.inputIds() == null ? null : new long[b * cs[0]];
        for (int i = 0; i < b; i++) {
            TrainingExample e = i == 0 ? first : data.get(ids[i]);
            check(e, e.latentMean(), ls, "latentMean");
            check(e, e.latentLogvar(), ls, "latentLogvar");
            check(e, e.caption(), cs, "caption");
            check(e, e.captionMask(), new int[] {cs[0]}, "captionMask");
            System.arraycopy(e.latentMean().toFloatArray(), 0, mean, i * ln, ln);
            System.arraycopy(e.latentLogvar().toFloatArray(), 0, logvar, i * ln, ln);
            System.arraycopy(e.caption().toFloatArray(), 0, cap, i * cn, cn);
            float[] m = e.captionMask().toFloatArray();
            for (int j = 0; j < cs[0]; j++) mask[i * cs[0] + j] = m[j] != 0 ? 1 : 0;
            if (tokens != null && e.inputIds() != null) {
                check(e, e.inputIds(), new int[] {cs[0]}, "inputIds");
                System.arraycopy(e.inputIds().toLongArray(), 0, tokens, i * cs[0], cs[0]);
            } else {
                tokens = null;
            }
        }
        return new Batch(mean, logvar, ls, cap, cs, mask, tokens);
    }

    private static void check(TrainingExample e, Tensor t, int[] shape, String what) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("example " + e.id() + ": " + what + " is " + Arrays.toString(t.shape())
                    + ", the batch's first example has " + Arrays.toString(shape) + " (one resolution and caption length per batch)");
        }
    }

    int size() {
        return maskIds.length / captionShape[0];
    }

    /**
     * The VAE posterior sample times the scaling factor, [B, C, h, w]: {@code (mean + exp(logvar / 2) * noise) * sf}
     * with logvar clamped to [-30, 20] as diffusers' DiagonalGaussianDistribution does.
     */
    Tensor sampleLatents(Tensor noise, float scaling) {
        float[] n = noise.toFloatArray(), x = new float[mean.length];
        for (int i = 0; i < x.length; i++) {
            float lv = Math.min(20f, Math.max(-30f, logvar[i]));
            float std = (float) Math.exp(0.5f * lv);
            x[i] = (mean[i] + std * n[i]) * scaling;
        }
        return Tensor.of(x, size(), latentShape[0], latentShape[1], latentShape[2]);
    }

    /** The captions [B, 1, L, D]. */
    Tensor captionTensor() {
        return Tensor.of(captions.clone(), size(), 1, captionShape[0], captionShape[1]);
    }

    Tensor mask() {
        return Tensor.ofLongs(maskIds, size(), captionShape[0]);
    }

    /** The token ids [B, L]; an error naming the data when the examples have none. */
    Tensor inputIdsTensor(String data) {
        if (inputIds == null) {
            throw new IllegalArgumentException(data + " holds no caption token ids (input_ids); make the cache again"
                    + " with dimba cache to train the text encoder");
        }
        return Tensor.ofLongs(inputIds, size(), captionShape[0]);
    }
}
