package org.dimba4j.bench.train;

import org.dimba4j.bench.ProcStatus;
import org.dimba4j.bench.hybrid.RandomDimbaWeights;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaPresets;
import org.dimba4j.model.random.TorchGenerator;
import org.dimba4j.train.DimbaTrainer;
import org.dimba4j.train.EpsilonMseLoss;
import org.dimba4j.train.Parameters;
import org.dimba4j.train.autograd.TapeBackend;
import org.dimba4j.train.optim.AdamW;

/**
 * The memory of one Dimba-L training step (forward, loss, backward) with and without gradient checkpointing, at
 * Dimba-L/512's width (hidden 1152, 16 heads, T5-XXL captions of 120 tokens) and a chosen depth and latent side.
 * Prints the activation bytes the tape holds before the backward, the process's peak resident memory after the
 * step (VmHWM: run each variant in a fresh JVM, as {@code bench/grad-checkpointing-memory.sh} does) and the step time.
 *
 * <p>Usage: {@code GradCheckpointingMemory on|off DEPTH SIDE}
 */
public final class GradCheckpointingMemory {
    private static final int BATCH = 2, CAPTION_TOKENS = 120;

    public static void main(String[] args) {
        if (args.length != 3 || !(args[0].equals("on") || args[0].equals("off"))) {
            System.err.println("usage: GradCheckpointingMemory on|off DEPTH SIDE");
            System.exit(2);
        }
        boolean on = args[0].equals("on");
        int depth = Integer.parseInt(args[1]), side = Integer.parseInt(args[2]);
        DimbaConfig config = DimbaPresets.dimbaL(512).depth(depth).inputSize(side).modelMaxLength(CAPTION_TOKENS).build();
        Backend cpu = new CpuBackend();
        Parameters params = RandomDimbaWeights.of(config, true, 42);
        DimbaTrainer trainer = new DimbaTrainer(config, params, cpu, EpsilonMseLoss.dimba(), AdamW.of(cpu, 0), 0)
                .withGradCheckpointing(on);
        Tensor x0 = randn(1, BATCH, 4, side, side), noise = randn(2, BATCH, 4, side, side);
        Tensor y = randn(3, BATCH, 1, CAPTION_TOKENS, config.captionChannels());
        int[] t = {999, 500};
        long baseline = ProcStatus.rss();

        TapeBackend tape = new TapeBackend(cpu);
        for (String name : trainer.trainable()) tape.watch(params.get(name));
        EpsilonMseLoss loss = EpsilonMseLoss.dimba();
        Tensor out = trainer.model(tape).forward(loss.qSample(cpu, x0, t, noise), EpsilonMseLoss.timesteps(t), y, null);
        loss.mse(tape, out, noise);
        long held = tape.heldBytes();
        tape = null;
        out = null;

        long t0 = System.nanoTime();
        DimbaTrainer.Step s = trainer.gradients(x0, t, noise, y, null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("checkpointing=%s depth=%d side=%d tokens=%d batch=%d params=%d tape_held_MB=%.1f "
                        + "rss_before_step_MB=%.1f peak_rss_MB=%.1f step_s=%.2f loss=%.6f%n", args[0], depth, side,
                (side / 2) * (side / 2), BATCH, params.elementCount(), held / 1e6, baseline / 1e6,
                ProcStatus.hwm() / 1e6, seconds, s.loss().toFloatArray()[0]);
    }

    private static Tensor randn(long seed, int... shape) {
        return new TorchGenerator(seed).randn(shape);
    }
}
