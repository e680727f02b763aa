package org.dimba4j.train.data;

import org.dimba4j.kernels.Tensor;

/**
 * One training example as the denoiser's objective needs it: the VAE posterior of the image (unscaled, as
 * {@code AutoencoderKL.encode} gives it; the trainer samples {@code mean + exp(logvar / 2) * noise} each step, then
 * multiplies by the VAE scaling factor, as the official loop does) and the caption's T5 features with their mask.
 *
 * @param id           where the example came from (the image's file name), for error messages and logs
 * @param latentMean   [4, h, w]
 * @param latentLogvar [4, h, w]
 * @param caption      T5 last hidden state [L, caption_channels], padded to the transformer's model_max_length
 * @param captionMask  I64 [L], 1 for tokens and 0 for padding (the tokenizer's attention_mask)
 * @param inputIds     I64 [L], the caption's token ids behind {@code caption} ({@code dimba train --train-text-encoder}
 *                     encodes them again at every step), or null where the source does not hold them (a cache made
 *                     before caches stored them)
 */
public record TrainingExample(String id, Tensor latentMean, Tensor latentLogvar, Tensor caption, Tensor captionMask,
                              Tensor inputIds) {
    /** An example without token ids. */
    public TrainingExample(String id, Tensor latentMean, Tensor latentLogvar, Tensor caption, Tensor captionMask) {
        this(id, latentMean, latentLogvar, caption, captionMask, null);
    }
}
