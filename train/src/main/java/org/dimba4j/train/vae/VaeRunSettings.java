package org.dimba4j.train.vae;

import java.nio.file.Path;

/**
 * What {@code dimba train-vae} was asked to do; written to {@code RUN/train-vae.json} so that a resume can check it
 * continues the same run. Built by name ({@link #builder}); defaults are the ones the shapes recipe uses.
 *
 * @param data            an imagefolder dataset
 * @param runDir          the run folder
 * @param steps           optimizer updates in all
 * @param batch           images per update
 * @param lr              AdamW's learning rate after warm-up
 * @param warmupSteps     linear warm-up from 0
 * @param klWeight        weight of the KL term ({@link VaeLoss})
 * @param seed            the data order and the posterior noise are functions of (seed, step)
 * @param checkpointEvery updates between checkpoints (the last step always gets one)
 * @param holdout         the dataset's last images, never trained on, for the reconstruction PSNR
 */
public record VaeRunSettings(Path data, Path runDir, int steps, int batch, double lr, int warmupSteps, float klWeight,
                             long seed, int checkpointEvery, int holdout) {
    public VaeRunSettings {
        if (data == null || runDir == null) throw new IllegalArgumentException("train-vae needs --data and -o");
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, not " + steps);
        if (batch < 1 || batch > 4096) throw new IllegalArgumentException("--batch must be in 1..4096, not " + batch);
        if (!(lr > 0) || lr > 1) throw new IllegalArgumentException("--lr must be in (0, 1], not " + lr);
        if (warmupSteps < 0) throw new IllegalArgumentException("--warmup must be >= 0, not " + warmupSteps);
        if (checkpointEvery < 1) throw new IllegalArgumentException("--checkpoint-every must be >= 1, not " + checkpointEvery);
        if (holdout < 0) throw new IllegalArgumentException("--holdout must be >= 0, not " + holdout);
        new VaeLoss(klWeight); // checks the weight
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Named setters over the recipe's defaults. */
    public static final class Builder {
        private Path data, runDir;
        private int steps = 2000, batch = 16, warmupSteps = 100, checkpointEvery = 500, holdout = 64;
        private double lr = 1e-3;
        private float klWeight = 1e-4f;
        private long seed;

        public Builder data(Path v) { data = v; return this; }
        public Builder runDir(Path v) { runDir = v; return this; }
        public Builder steps(int v) { steps = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder klWeight(float v) { klWeight = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder holdout(int v) { holdout = v; return this; }

        public VaeRunSettings build() {
            return new VaeRunSettings(data, runDir, steps, batch, lr, warmupSteps, klWeight, seed, checkpointEvery, holdout);
        }
    }
}
