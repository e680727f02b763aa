package org.dimba4j.train.run;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.random.TorchGenerator;
import org.dimba4j.train.data.TrainingData;
import org.dimba4j.train.data.TrainingExample;

/**
 * Test data held in memory: {@code size} examples of seeded random VAE posteriors [4, h, w] (log-variance around -4,
 * like a real encoder's) and T5-like caption features [L, D] with a mask of 3..L tokens. Example i is a function of
 * (seed, i) only.
 */
final class SeededLatentData implements TrainingData {
    private final TrainingExample[] examples;

    SeededLatentData(long seed, int size, int h, int w, int length, int channels) {
        examples = new TrainingExample[size];
        for (int i = 0; i < size; i++) {
            TorchGenerator g = new TorchGenerator(seed * 1000 + i);
            Tensor mean = g.randn(4, h, w);
            float[] lv = g.randn(4, h, w).toFloatArray();
            for (int k = 0; k < lv.length; k++) lv[k] = -4f + 0.5f * lv[k];
            Tensor caption = g.randn(length, channels);
            int tokens = 3 + (int) (g.random() % (length - 2));
            float[] mask = new float[length];
            for (int k = 0; k < tokens; k++) mask[k] = 1;
            examples[i] = new TrainingExample("example-" + i, mean, Tensor.of(lv, 4, h, w), caption, Tensor.of(mask, length));
        }
    }

    /** Data shaped for models/tiny-reference: 8x8 latents, 16 tokens of 32 channels. */
    static SeededLatentData tiny(long seed, int size) {
        return new SeededLatentData(seed, size, 8, 8, 16, 32);
    }

    /**
     * The same data with seeded caption token ids in [2, vocab) where the mask holds tokens (0, padding, elsewhere),
     * for runs that train the text encoder.
     */
    SeededLatentData withInputIds(int vocab) {
        for (int i = 0; i < examples.length; i++) {
            TrainingExample e = examples[i];
            java.util.SplittableRandom r = new java.util.SplittableRandom(77 + i);
            float[] m = e.captionMask().toFloatArray();
            long[] ids = new long[m.length];
            for (int k = 0; k < m.length; k++) ids[k] = m[k] != 0 ? 2 + r.nextInt(vocab - 2) : 0;
            examples[i] = new TrainingExample(e.id(), e.latentMean(), e.latentLogvar(), e.caption(), e.captionMask(),
                    Tensor.ofLongs(ids, m.length));
        }
        return this;
    }

    /** The same data with example {@code index}'s caption features replaced. */
    SeededLatentData withCaption(int index, Tensor caption) {
        TrainingExample e = examples[index];
        examples[index] = new TrainingExample(e.id(), e.latentMean(), e.latentLogvar(), caption, e.captionMask(), e.inputIds());
        return this;
    }

    /** The same data with example {@code index}'s latent mean replaced (e.g. by one holding a NaN). */
    SeededLatentData withMean(int index, Tensor mean) {
        TrainingExample e = examples[index];
        examples[index] = new TrainingExample(e.id(), mean, e.latentLogvar(), e.caption(), e.captionMask());
        return this;
    }

    TrainingExample example(int i) {
        return examples[i];
    }

    @Override
    public int size() {
        return examples.length;
    }

    @Override
    public TrainingExample get(int index) {
        return examples[index];
    }

    @Override
    public String description() {
        return "seeded random latents (" + examples.length + " examples)";
    }
}
