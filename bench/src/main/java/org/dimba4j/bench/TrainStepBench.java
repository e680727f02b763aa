package org.dimba4j.bench;

import org.dimba4j.bench.hybrid.RandomDimbaWeights;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.train.DimbaTrainer;
import org.dimba4j.train.EpsilonMseLoss;
import org.dimba4j.train.Parameters;
import org.dimba4j.train.optim.AdamW;
import org.dimba4j.train.optim.Came;
import org.dimba4j.train.optim.Optimizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Dimba training step on the CPU backend, split so each part's cost shows: the inference forward alone, the
 * forward recorded on the tape plus the backward, the whole step with AdamW, and each optimizer's update alone
 * (AdamW and CAME over the same gradients: a step's difference is smaller than the noise of two whole-step
 * timings). The model is a narrow Dimba (hidden 384, 6 heads, depth 4 with a Mamba layer after every block) on a
 * 32x32 latent (256 tokens), batch 2, 120 caption tokens of T5-XXL width (4096): big enough that the kernels, not
 * the bookkeeping, dominate.
 */
public class TrainStepBench extends BenchBase {
    private static final int BATCH = 2, SIDE = 32, CAPTION_TOKENS = 120, CAPTION_CHANNELS = 4096;

    private final Backend cpu = new CpuBackend();
    private final DimbaConfig config = DimbaConfig.builder().inputSize(SIDE).hiddenSize(384).depth(4)
            .numHeads(6).captionChannels(CAPTION_CHANNELS).modelMaxLength(CAPTION_TOKENS).build();
    private DimbaTrainer trainer;
    private Dimba inference;
    private Tensor x0, noise, y, xt;
    private final int[] t = {999, 500};
    private final Optimizer adamw = AdamW.of(cpu, 0.03);
    private final Optimizer came = new Came(cpu, 0.9, 0.999, 0.9999, 1e-30, 1e-16, 1.0, 0.0);
    private Map<String, Tensor> current, grads;

    @Setup
    public void setup() {
        Parameters params = RandomDimbaWeights.of(config, true, 42);
        trainer = new DimbaTrainer(config, params, cpu, EpsilonMseLoss.dimba(), AdamW.of(cpu, 0.03), 1e-4);
        inference = Dimba.of(config, params, cpu);
        x0 = random(1, BATCH, 4, SIDE, SIDE);
        noise = random(2, BATCH, 4, SIDE, SIDE);
        y = random(3, BATCH, 1, CAPTION_TOKENS, CAPTION_CHANNELS);
        xt = EpsilonMseLoss.dimba().qSample(cpu, x0, t, noise);
        grads = trainer.gradients(x0, t, noise, y, null).gradients();
        current = new LinkedHashMap<>();
        for (String name : grads.keySet()) current.put(name, params.get(name));
    }

    @Benchmark
    public Tensor forward() {
        return inference.forward(xt, EpsilonMseLoss.timesteps(t), y, null);
    }

    @Benchmark
    public DimbaTrainer.Step forwardBackward() {
        return trainer.gradients(x0, t, noise, y, null);
    }

    @Benchmark
    public DimbaTrainer.Step step() {
        return trainer.step(x0, t, noise, y, null);
    }

    @Benchmark
    public Map<String, Tensor> adamwUpdate() {
        return adamw.step(current, grads, 1e-4);
    }

    @Benchmark
    public Map<String, Tensor> cameUpdate() {
        return came.step(current, grads, 1e-4);
    }
}
