package org.dimba4j.train;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.train.optim.AdamW;
import org.dimba4j.train.autograd.TapeBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient checkpointing per Dimba block on models/tiny-reference: the loss and every gradient are the same bits as
 * without it, and the tape holds fewer activation bytes between forward and backward.
 */
class DimbaCheckpointingTest {

    @Test
    void checkpointedGradientsAreTheSameBitsForLessHeldMemory() {
        Backend cpu = new CpuBackend();
        try (TensorSource fx = TrainFixtures.open("dimba_step.safetensors"); TensorSource weights = TrainFixtures.tinyWeights()) {
            Parameters params = Parameters.copyOf(weights, cpu);
            DimbaTrainer plain = new DimbaTrainer(TrainFixtures.tinyConfig(), params, cpu, EpsilonMseLoss.dimba(), AdamW.of(cpu, 0.03), 1e-3);
            DimbaTrainer ckpt = new DimbaTrainer(TrainFixtures.tinyConfig(), params, cpu, EpsilonMseLoss.dimba(), AdamW.of(cpu, 0.03), 1e-3)
                    .withGradCheckpointing(true);
            int[] t = TrainFixtures.ints(fx.get("t"));
            Tensor x0 = fx.get("x0").toF32(), noise = fx.get("noise").toF32(), y = fx.get("y").toF32(), mask = fx.get("mask");

            DimbaTrainer.Step a = plain.gradients(x0, t, noise, y, mask), b = ckpt.gradients(x0, t, noise, y, mask);
            assertArrayEquals(a.loss().toFloatArray(), b.loss().toFloatArray(), "loss");
            assertEquals(a.gradients().keySet(), b.gradients().keySet(), "parameters with a gradient");
            assertEquals(plain.trainable().size(), a.gradients().size(), "every trainable tensor has a gradient");
            for (String name : a.gradients().keySet()) {
                assertArrayEquals(a.gradients().get(name).toFloatArray(), b.gradients().get(name).toFloatArray(), name);
            }

            long plainBytes = heldBytes(plain, cpu, x0, t, noise, y, mask), ckptBytes = heldBytes(ckpt, cpu, x0, t, noise, y, mask);
            System.err.printf("DimbaCheckpointingTest: the tape holds %d bytes without checkpointing, %d with (%.1f%%)%n",
                    plainBytes, ckptBytes, 100.0 * ckptBytes / plainBytes);
            assertTrue(ckptBytes < plainBytes / 2, "checkpointing holds " + ckptBytes + " bytes, without " + plainBytes);
        }
    }

    /** The activation bytes the tape holds after the forward and loss, before the backward. */
    private static long heldBytes(DimbaTrainer trainer, Backend be, Tensor x0, int[] t, Tensor noise, Tensor y, Tensor mask) {
        TapeBackend tape = new TapeBackend(be);
        for (String name : trainer.trainable()) tape.watch(trainer.parameters().get(name));
        EpsilonMseLoss loss = EpsilonMseLoss.dimba();
        Tensor xt = loss.qSample(be, x0, t, noise);
        Tensor out = trainer.model(tape).forward(xt, EpsilonMseLoss.timesteps(t), y, mask);
        loss.mse(tape, out, noise);
        long bytes = tape.heldBytes();
        assertTrue(bytes > 0, "the tape holds nothing");
        return bytes;
    }
}
