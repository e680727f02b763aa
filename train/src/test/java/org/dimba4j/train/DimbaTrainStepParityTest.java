package org.dimba4j.train;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.kernels.opencl.OpenClBackend;
import org.dimba4j.kernels.opencl.OpenClDevices;
import org.dimba4j.kernels.opencl.TransferStats;
import org.dimba4j.train.optim.AdamW;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One full training step of the tiny Dimba (q_sample, forward, epsilon MSE, backward, AdamW) on CpuBackend and on
 * OpenClBackend gives the same loss, gradients and updated weights, and on OpenCL the step keeps everything on the
 * device except what the host loss head and the host optimizer need: the output and x_t come down for the learned-sigma
 * loss head and the output's gradient goes up; the fused host optimizer (train.optim) downloads each trainable parameter
 * and its gradient once and uploads the new parameter once. Otherwise only the step's inputs and small per-step
 * constants go up.
 * Without an OpenCL device the test is skipped, unless OpenCL is required (-Ddimba.requireOpencl=true or
 * DIMBA_REQUIRE_OPENCL=1, as CI sets), in which case it fails.
 */
class DimbaTrainStepParityTest {
    static final double LR = 1e-3, LOSS_RTOL = 1e-5, GRAD_RTOL = 1e-4, PARAM_RTOL = 1e-5;
    /**
     * Host tensors a step uploads, however deep the model: x0, noise, the two q_sample coefficient columns, the
     * timestep sinusoid, the position table, the caption features and their gather ids, the key mask.
     */
    static final int MAX_STEP_UPLOADS = 12;

    static boolean openClRequired() {
        return Boolean.getBoolean("dimba.requireOpencl") || "1".equals(System.getenv("DIMBA_REQUIRE_OPENCL"));
    }

    static OpenClDevices.Info device() {
        Optional<OpenClDevices.Info> dev = OpenClDevices.best();
        if (dev.isEmpty()) {
            String why = "no OpenCL platform/device found (install pocl-opencl-icd for a CPU device)";
            if (openClRequired()) Assertions.fail("OpenCL is required (dimba.requireOpencl / DIMBA_REQUIRE_OPENCL) but " + why);
            Assumptions.abort(why);
        }
        return dev.get();
    }

    @Test
    void oneTrainingStepMatchesCpuAndStaysOnTheDevice() {
        OpenClDevices.Info dev = device();
        try (TensorSource fx = TrainFixtures.open("dimba_step.safetensors"); TensorSource weights = TrainFixtures.tinyWeights();
             OpenClBackend cl = OpenClBackend.create(dev, 64)) {
            int[] t = TrainFixtures.ints(fx.get("t"));
            Tensor x0 = fx.get("x0").toF32(), noise = fx.get("noise").toF32(), y = fx.get("y").toF32(), mask = fx.get("mask");

            Backend cpu = new CpuBackend();
            DimbaTrainer onCpu = trainer(weights, cpu);
            DimbaTrainer.Step cpuStep = onCpu.step(x0, t, noise, y, mask);

            DimbaTrainer onCl = trainer(weights, cl);
            cl.resetTransfers();
            DimbaTrainer.Step clStep = onCl.step(x0, t, noise, y, mask);
            TransferStats moved = cl.transfers();
            System.err.println("DimbaTrainStepParityTest: one step on " + cl.name() + ": " + moved);
            // the learned-sigma loss head runs on the host (output and x_t down, d loss / d output up); the fused host
            // optimizer moves p and g down and the new p up once each
            int trained = onCl.trainable().size();
            assertEquals(2 + 2L * trained, moved.downloads(), "the loss head's 2 and the optimizer's p and g: " + moved);
            assertTrue(moved.uploads() <= MAX_STEP_UPLOADS + 1 + trained,
                    "only inputs, per-step constants, the output's gradient and the updated parameters go up: " + moved);
            for (String name : onCl.trainable()) {
                assertFalse(onCl.parameters().get(name).isHost(), name + " stays on the device");
            }

            double lossCpu = cpuStep.loss().getFlat(0), lossCl = clStep.loss().getFlat(0);
            assertEquals(lossCpu, lossCl, LOSS_RTOL * lossCpu, "loss");
            double worstGrad = 0;
            int noisy = 0;
            for (String name : onCpu.trainable()) {
                Tensor gCpu = cpuStep.gradients().get(name), gCl = cl.download(clStep.gradients().get(name));
                double rel = TrainFixtures.relativeToMax(gCpu, gCl);
                assertTrue(rel < GRAD_RTOL, "gradient of " + name + ": max |diff| / max |grad| = " + rel);
                worstGrad = Math.max(worstGrad, rel);
                noisy += TrainFixtures.assertUpdatedClose(name, onCpu.parameters().get(name),
                        cl.download(onCl.parameters().get(name)), gCpu, gCl, LR, PARAM_RTOL);
            }
            System.err.printf("DimbaTrainStepParityTest: loss %.7f (cpu) vs %.7f (opencl); worst gradient %.2e of its "
                    + "max; %d parameter elements with noise gradients%n", lossCpu, lossCl, worstGrad, noisy);
        }
    }

    private static DimbaTrainer trainer(TensorSource weights, Backend be) {
        return new DimbaTrainer(TrainFixtures.tinyConfig(), Parameters.copyOf(weights, be), be, EpsilonMseLoss.dimba(),
                AdamW.of(be, 0.03), LR);
    }
}
