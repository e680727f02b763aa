package org.dimba4j.train;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.train.optim.AdamW;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole tiny Dimba against PyTorch (tools/fixtures/train/dimba_grads.py, the official model with the reference
 * Mamba/RMSNorm math under autograd): q_sample, the official learned-sigma loss mean(mse + vb) and its terms, the
 * gradient of every parameter, and the parameters after one AdamW step, computed by TapeBackend over CpuBackend; and the loss, terms and gradients of a
 * second case at t = 0 (the decoder NLL) and t = 999.
 */
class DimbaGradientsTest {
    /** Loss: relative. */
    static final double LOSS_RTOL = 1e-5;
    /** Each gradient: max |diff| relative to that gradient's max |value|. */
    static final double GRAD_RTOL = 1e-4;
    /**
     * The official f32 terms at t = 0, relative: there torch's own f32 decoder NLL differs from its float64 one by
     * 3e-5 (x0 - mean cancels, and the Gaussian is 0.01 wide), so f32 is checked this loosely and the float64 replay
     * of the official head tightly.
     */
    static final double F32_DECODER_RTOL = 1e-4;
    /** Updated parameters: max |diff| relative to the parameter's max |value|. */
    static final double PARAM_RTOL = 1e-5;

    @Test
    void lossGradientsAndOneAdamWStepMatchTorch() {
        Backend cpu = new CpuBackend();
        try (TensorSource fx = TrainFixtures.open("dimba_step.safetensors"); TensorSource weights = TrainFixtures.tinyWeights()) {
            DimbaTrainer trainer = new DimbaTrainer(TrainFixtures.tinyConfig(), Parameters.copyOf(weights, cpu), cpu,
                    EpsilonMseLoss.dimba(), AdamW.of(cpu, 0.03), 1e-3);
            List<String> names = List.of(fx.metadata().get("parameters").replaceAll("[\\[\\]\" ]", "").split(","));
            assertEquals(new java.util.TreeSet<>(names), new java.util.TreeSet<>(trainer.trainable()),
                    "the trainable tensors are torch's named_parameters");

            int[] t = TrainFixtures.ints(fx.get("t"));
            Tensor x0 = fx.get("x0").toF32(), noise = fx.get("noise").toF32();
            Tensor xt = EpsilonMseLoss.dimba().qSample(cpu, x0, t, noise);
            assertTrue(TrainFixtures.relativeToMax(fx.get("x_t"), xt) < 1e-7, "q_sample");

            DimbaTrainer.Step step = trainer.step(x0, t, noise, fx.get("y").toF32(), fx.get("mask"));
            double loss = step.loss().getFlat(0), expected = fx.get("loss").getFlat(0);
            assertEquals(expected, loss, LOSS_RTOL * expected, "loss");
            assertTermsMatch(fx, step);

            // AdamW's first step is about lr * sign(g): where the true gradient is zero (the key bias of attention:
            // softmax ignores a shift common to all keys) both sides step by +-lr on float noise. So the updated
            // parameters are checked (a) with torch's gradients fed to our AdamW, tightly, and (b) after our own step,
            // with each element allowed the step change that its gradient's difference from torch's can cause.
            AdamW onTorchGrads = AdamW.of(cpu, 0.03);
            Parameters start = Parameters.copyOf(TrainFixtures.tinyWeights(), cpu);
            double worstGrad = 0, worstParam = 0, worstOwnStep = 0;
            String worstGradName = "", worstParamName = "";
            int noiseDominated = 0;
            for (String name : names) {
                Tensor g = step.gradients().get(name), expectedG = fx.get("grad." + name).toF32();
                assertTrue(g != null, name + " got no gradient");
                double rel = TrainFixtures.relativeToMax(expectedG, g);
                assertTrue(rel < GRAD_RTOL, "gradient of " + name + ": max |diff| / max |grad| = " + rel);
                if (rel > worstGrad) {
                    worstGrad = rel;
                    worstGradName = name;
                }
                Tensor expectedP = fx.get("adamw." + name);
                double relP = TrainFixtures.relativeToMax(expectedP, onTorchGrads.step(name, start.get(name), expectedG, 1e-3));
                assertTrue(relP < PARAM_RTOL, "parameter " + name + " after AdamW on torch's gradients: max |diff| / max |p| = " + relP);
                if (relP > worstParam) {
                    worstParam = relP;
                    worstParamName = name;
                }
                noiseDominated += TrainFixtures.assertUpdatedClose(name, expectedP, trainer.parameters().get(name),
                        expectedG, g, 1e-3, PARAM_RTOL);
                worstOwnStep = Math.max(worstOwnStep, TrainFixtures.relativeToMax(expectedP, trainer.parameters().get(name)));
            }
            System.err.printf("DimbaGradientsTest: loss %.7f vs torch %.7f; worst gradient %s %.2e of its max; AdamW on "
                    + "torch's gradients: worst %s %.2e of max |p|; our own step: worst %.2e of max |p|, %d elements whose "
                    + "gradient is noise (differs from torch's by > 10%%)%n", loss, expected, worstGradName, worstGrad,
                    worstParamName, worstParam, worstOwnStep, noiseDominated);
        }
    }

    @Test
    void lossAndGradientsAtTheEndsOfTheScheduleMatchTorch() {
        Backend cpu = new CpuBackend();
        try (TensorSource fx = TrainFixtures.open("dimba_step_t0.safetensors"); TensorSource weights = TrainFixtures.tinyWeights()) {
            DimbaTrainer trainer = new DimbaTrainer(TrainFixtures.tinyConfig(), Parameters.copyOf(weights, cpu), cpu,
                    EpsilonMseLoss.dimba(), AdamW.of(cpu, 0.03), 1e-3);
            int[] t = TrainFixtures.ints(fx.get("t"));
            assertEquals(0, t[0], "the fixture's first sample is at t = 0 (the decoder NLL)");
            assertEquals(999, t[1], "the fixture's second sample is at t = 999");
            DimbaTrainer.Step step = trainer.gradients(fx.get("x0").toF32(), t, fx.get("noise").toF32(),
                    fx.get("y").toF32(), fx.get("mask"));
            // against the official head replayed in float64 after the f32 model
            double loss = step.loss().getFlat(0), expected = fx.get("loss").getFlat(0);
            assertEquals(expected, loss, LOSS_RTOL * expected, "loss");
            assertTermsMatch(fx, step);
            // against the official f32 training_losses, within its own rounding at t = 0
            double f32 = fx.get("loss_f32").getFlat(0);
            assertEquals(f32, loss, F32_DECODER_RTOL * f32, "loss vs f32 training_losses");
            float[] vb32 = fx.get("vb_f32").toFloatArray();
            for (int i = 0; i < vb32.length; i++) {
                assertEquals(vb32[i], step.vb()[i], F32_DECODER_RTOL * vb32[i], "vb[" + i + "] vs f32 training_losses");
            }
            double worst = 0;
            for (String name : trainer.trainable()) {
                Tensor g = step.gradients().get(name);
                assertTrue(g != null, name + " got no gradient");
                double rel = TrainFixtures.relativeToMax(fx.get("grad." + name).toF32(), g);
                assertTrue(rel < GRAD_RTOL, "gradient of " + name + ": max |diff| / max |grad| = " + rel);
                worst = Math.max(worst, rel);
            }
            System.err.printf("DimbaGradientsTest t=%s: loss %.7f vs torch %.7f (f32 training_losses %.7f); vb %s; "
                    + "worst gradient %.2e of its max%n", java.util.Arrays.toString(t), loss, expected, f32,
                    java.util.Arrays.toString(step.vb()), worst);
        }
    }

    /** The per-sample mse and vb terms of training_losses. */
    private static void assertTermsMatch(TensorSource fx, DimbaTrainer.Step step) {
        float[] mse = fx.get("mse").toFloatArray(), vb = fx.get("vb").toFloatArray();
        assertEquals(mse.length, step.mse().length, "mse terms");
        for (int i = 0; i < mse.length; i++) {
            assertEquals(mse[i], step.mse()[i], LOSS_RTOL * mse[i], "mse[" + i + "]");
            assertEquals(vb[i], step.vb()[i], LOSS_RTOL * vb[i], "vb[" + i + "]");
        }
    }
}
