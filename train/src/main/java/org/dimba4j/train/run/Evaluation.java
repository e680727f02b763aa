package org.dimba4j.train.run;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.train.DimbaTrainer;
import org.dimba4j.train.EpsilonMseLoss;
import org.dimba4j.train.Parameters;
import org.dimba4j.train.data.TrainingData;
import org.dimba4j.train.optim.Optimizer;
import org.dimba4j.train.text.TrainedTextEncoder;

/**
 * The eval of {@code --eval-every}: the training objective's mean over every held-out example, in order, with the
 * timesteps, posterior noise and diffusion noise of eval batch {@code i} drawn from (seed, eval stream, i) and no
 * caption dropout. The draws do not depend on the step, so evals at different steps differ only by the weights.
 */
final class Evaluation {
    /** Mixed into the seed so that eval draws never coincide with a training step's. */
    static final long EVAL_STREAM = 0x45564131L;

    private Evaluation() {}

    static double meanLoss(TrainingData data, int batch, long seed, Parameters params, DimbaConfig config,
                           float scaling, Backend be, EpsilonMseLoss objective, Optimizer optimizer) {
        return meanLoss(data, batch, seed, params, config, scaling, be, objective, optimizer, null);
    }

    /** As above; with {@code textEncoder} (non-null), the captions are the examples' token ids encoded by it. */
    static double meanLoss(TrainingData data, int batch, long seed, Parameters params, DimbaConfig config,
                           float scaling, Backend be, EpsilonMseLoss objective, Optimizer optimizer,
                           TrainedTextEncoder textEncoder) {
        double sum = 0;
        int n = data.size();
        for (int start = 0, i = 0; start < n; start += batch, i++) {
            int size = Math.min(batch, n - start);
            int[] ids = new int[size];
            for (int k = 0; k < size; k++) ids[k] = start + k;
            Batch b = Batch.of(data, ids);
            StepDraws draws = StepDraws.of(seed ^ EVAL_STREAM, i, size, b.latentShape(), 1000);
            Tensor x0 = b.sampleLatents(draws.posteriorNoise(), scaling);
            // lr 0 and no update: only the loss of these weights is wanted
            DimbaTrainer trainer = new DimbaTrainer(config, params, be, objective, optimizer, 0);
            DimbaTrainer.Step s = textEncoder != null
                    ? trainer.gradients(x0, draws.timesteps(), draws.noise(), textEncoder, b.inputIdsTensor(data.description()),
                            b.mask(), null)
                    : trainer.gradients(x0, draws.timesteps(), draws.noise(), b.captionTensor(), b.mask());
            sum += (double) be.download(s.loss()).getFlat(0) * size;
        }
        double mean = sum / n;
        if (!Double.isFinite(mean)) throw new IllegalStateException("the eval loss is " + mean + ": the weights diverged");
        return mean;
    }
}
