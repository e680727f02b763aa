package org.dimba4j.train.optim;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Optimizer steps with the tensors spread over threads give the bits of the one-thread loop, state included. */
class TensorParallelStepsTest {
    private static final int[][] SHAPES = {{192, 768}, {768}, {64, 3, 3}, {4, 1, 4}, {1152}, {300, 64}, {7}, {48, 48}};

    private static Map<String, Tensor> tensors(long seed, float scale) {
        Random r = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int i = 0; i < SHAPES.length; i++) {
            int n = Arrays.stream(SHAPES[i]).reduce(1, (a, b) -> a * b);
            float[] v = new float[n];
            for (int k = 0; k < n; k++) v[k] = (float) r.nextGaussian() * scale;
            m.put("t" + i, Tensor.of(v, SHAPES[i]));
        }
        return m;
    }

    /** Three steps; returns the final parameters and the saved state's tensors, flattened in name order. */
    private static List<float[]> run(Supplier<Optimizer> make, int threads) {
        return CpuBackend.withThreads(threads, () -> {
            Optimizer opt = make.get();
            Map<String, Tensor> params = tensors(1, 1f);
            for (int step = 0; step < 3; step++) params.putAll(opt.step(params, tensors(10 + step, 0.01f), 1e-3));
            List<float[]> out = new ArrayList<>();
            for (Tensor t : params.values()) out.add(t.toFloatArray());
            var saved = opt.state().tensors();
            saved.keySet().stream().sorted().forEach(k -> out.add(saved.get(k).toFloatArray()));
            return out;
        });
    }

    @Test
    void cameAndAdamWGiveTheSameBitsOnOneAndFourThreads() {
        List<Supplier<Optimizer>> makers = List.of(
                () -> AdamW.of(new CpuBackend(), 0.03),
                () -> new Came(new CpuBackend(), 0.9, 0.999, 0.9999, 1e-30, 1e-16, 1.0, 0.01));
        for (Supplier<Optimizer> make : makers) {
            List<float[]> one = run(make, 1), four = run(make, 4);
            assertEquals(one.size(), four.size());
            for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), four.get(i), make.get().name() + " array " + i);
        }
    }

    @Test
    void theSharesCoverEveryTensorOnceAndBalance() {
        Map<String, Tensor> params = tensors(1, 1f);
        List<String> names = new ArrayList<>(params.keySet());
        int[][] shares = TensorParallelSteps.balance(names, params, 3);
        boolean[] seen = new boolean[names.size()];
        long[] load = new long[3];
        for (int t = 0; t < 3; t++) {
            for (int i : shares[t]) {
                assertTrue(!seen[i], "tensor " + i + " twice");
                seen[i] = true;
                load[t] += params.get(names.get(i)).numel();
            }
        }
        for (boolean s : seen) assertTrue(s);
        long largest = params.values().stream().mapToLong(Tensor::numel).max().orElseThrow();
        long max = Arrays.stream(load).max().orElseThrow(), min = Arrays.stream(load).min().orElseThrow();
        assertTrue(max - min <= largest, Arrays.toString(load));
    }

    @Test
    void aBadGradientShapeIsNamedBeforeAnyTensorMoves() {
        AdamW opt = AdamW.of(new CpuBackend(), 0);
        Map<String, Tensor> params = tensors(1, 1f), grads = tensors(2, 0.01f);
        grads.put("t5", Tensor.of(new float[10], 10));
        var e = assertThrows(IllegalArgumentException.class, () -> CpuBackend.withThreads(2, () -> opt.step(params, grads, 1e-3)));
        assertTrue(e.getMessage().contains("gradient of t5"), e.getMessage());
        assertTrue(opt.state().tensors().keySet().stream().noneMatch(k -> k.endsWith("t6")), "t6 was prepared past the bad t5");
    }
}
