package org.dimba4j.train.optim;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CAME (came_pytorch) and AdamW (torch.optim.AdamW) against three torch steps on tensors of ranks 1-4, [N,1] and
 * [1,N] included, with and without clip_grad_norm_ (tools/fixtures/optim/optimizer_steps.py).
 */
class OptimizerGoldenTest {
    static final List<String> NAMES = List.of("vec", "mat", "col", "row", "cube", "conv");
    static final int STEPS = 3;

    /** The settings a fixture case was made with (its metadata). */
    static OptimizerSettings settings(Map<String, String> meta) {
        return new OptimizerSettings(Double.parseDouble(meta.get("weight_decay")), doubles(meta.get("betas")),
                doubles(meta.get("eps")));
    }

    static double[] doubles(String json) {
        return Arrays.stream(json.replaceAll("[\\[\\] ]", "").split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    static Map<String, Tensor> params(TensorSource p) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : NAMES) out.put(n, p.get(n).toF32());
        return out;
    }

    static Map<String, Tensor> grads(TensorSource g, int step) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : NAMES) out.put(n, g.get("step" + step + "." + n).toF32());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"came", "came_clip", "adamw", "adamw_clip"})
    void threeStepsMatchTorch(String fixture) {
        Backend be = new CpuBackend();
        try (TensorSource p = OptimFixtures.open("/fixtures/optim/params.safetensors");
             TensorSource g = OptimFixtures.open("/fixtures/optim/grads.safetensors");
             TensorSource want = OptimFixtures.open("/fixtures/optim/" + fixture + ".safetensors")) {
            Map<String, String> meta = want.metadata();
            Optimizer opt = Optimizers.create(meta.get("optimizer"), settings(meta), be);
            double lr = Double.parseDouble(meta.get("lr"));
            String clip = meta.get("max_grad_norm");
            Map<String, Tensor> start = params(p), current = new LinkedHashMap<>(start);
            double worst = 0, worstDelta = 0;
            for (int k = 0; k < STEPS; k++) {
                Map<String, Tensor> gk = grads(g, k);
                if (!clip.equals("none")) gk = GradientClipping.clip(be, gk, Double.parseDouble(clip)).gradients();
                current.putAll(opt.step(current, gk, lr));
                for (String n : NAMES) {
                    Tensor expected = want.get("after" + k + "." + n);
                    double rel = OptimFixtures.relativeToMax(expected, current.get(n));
                    assertTrue(rel < 1e-6, fixture + " " + n + " after step " + k + ": max |diff| / max |p| = " + rel);
                    worst = Math.max(worst, rel);
                    // the change itself, not only the parameter: a few f32 roundings of the update
                    double relDelta = OptimFixtures.relativeToMax(minus(expected, start.get(n)), minus(current.get(n), start.get(n)));
                    assertTrue(relDelta < 2e-5, fixture + " " + n + " change after step " + k + ": " + relDelta);
                    worstDelta = Math.max(worstDelta, relDelta);
                }
            }
            OptimizerState state = opt.state();
            int stateTensors = 0;
            for (String key : want.names()) {
                if (!key.startsWith("state.")) continue;
                Tensor mine = state.tensors().get(key.substring("state.".length()));
                assertNotNull(mine, fixture + ": no state tensor " + key.substring(6));
                assertEquals(Arrays.toString(want.get(key).shape()), Arrays.toString(mine.shape()), key);
                double rel = OptimFixtures.relativeToMax(want.get(key), mine);
                assertTrue(rel < 1e-5, fixture + " " + key + ": " + rel);
                stateTensors++;
            }
            assertEquals(stateTensors, state.tensors().size(), fixture + ": the state has the tensors torch keeps");
            for (String n : NAMES) assertEquals(STEPS, state.scalars().get("step." + n), "step." + n);
            System.err.printf("OptimizerGoldenTest %s: worst %.2e of max |p|, worst change %.2e of max change%n",
                    fixture, worst, worstDelta);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"came", "adamw"})
    void stateRoundTripContinuesBitForBit(String name) {
        try (TensorSource p = OptimFixtures.open("/fixtures/optim/params.safetensors");
             TensorSource g = OptimFixtures.open("/fixtures/optim/grads.safetensors")) {
            Optimizer straight = Optimizers.create(name, OptimizerSettings.defaults().withWeightDecay(0.02));
            Map<String, Tensor> a = new LinkedHashMap<>(params(p));
            for (int k = 0; k < STEPS; k++) a.putAll(straight.step(a, grads(g, k), 1e-3));

            Optimizer first = Optimizers.create(name, OptimizerSettings.defaults().withWeightDecay(0.02));
            Map<String, Tensor> b = new LinkedHashMap<>(params(p));
            b.putAll(first.step(b, grads(g, 0), 1e-3));
            OptimizerState saved = first.state();
            first.step(b, grads(g, 1), 1e-3); // must not leak into the saved state
            Optimizer resumed = Optimizers.create(name, OptimizerSettings.defaults().withWeightDecay(0.02));
            resumed.restore(saved);
            for (int k = 1; k < STEPS; k++) b.putAll(resumed.step(b, grads(g, k), 1e-3));
            for (String n : NAMES) {
                assertTrue(Arrays.equals(a.get(n).floats(), b.get(n).floats()), name + " " + n + " differs after resume");
            }
            OptimizerState x = straight.state(), y = resumed.state();
            assertEquals(x.scalars(), y.scalars());
            for (var e : x.tensors().entrySet()) {
                assertTrue(Arrays.equals(e.getValue().floats(), y.tensors().get(e.getKey()).floats()), e.getKey());
            }
        }
    }

    static Tensor minus(Tensor a, Tensor b) {
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        for (int i = 0; i < x.length; i++) x[i] -= y[i];
        return Tensor.of(x, a.shape());
    }
}
