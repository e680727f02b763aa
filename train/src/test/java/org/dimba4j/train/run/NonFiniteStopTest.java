package org.dimba4j.train.run;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.train.DimbaTrainer;
import org.dimba4j.train.data.DataOrder;
import org.dimba4j.train.data.DataPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A non-finite loss or gradient stops the run before the update, naming the first tensor that went bad. */
class NonFiniteStopTest {
    @TempDir
    Path tmp;

    @Test
    void aNanLatentStopsTheRunBeforeTheUpdateOfItsStep() {
        RunSettings s = RunFixtures.settings(8);
        SeededLatentData data = SeededLatentData.tiny(RunFixtures.DATA_SEED, 6); // 3 batches per epoch: step 3 reads new examples
        // poison the example that the 3rd update (0-based step 2) reads first
        DataOrder order = new DataOrder(data.size(), s.seed(), DataPosition.START);
        java.util.Set<Integer> readBefore = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) for (int id : order.nextBatch(s.batch())) readBefore.add(id);
        int bad = order.nextBatch(s.batch())[0];
        float[] mean = data.example(bad).latentMean().toFloatArray();
        mean[17] = Float.NaN;
        data.withMean(bad, Tensor.of(mean, data.example(bad).latentMean().shape()));
        assertTrue(!readBefore.contains(bad), "example " + bad + " is first read at step 3");
        CpuBackend be = new CpuBackend();
        Path dir = tmp.resolve("nan");
        TrainingRun run = new TrainingRun(s, dir, data, org.dimba4j.train.optim.AdamW.of(be, s.weightDecay()), be, RunFixtures.quiet());
        NonFiniteException e = assertThrows(NonFiniteException.class, run::start);
        assertEquals("loss", e.tensor());
        assertTrue(e.getMessage().startsWith("step 3: loss is not finite (value NaN); stopped before the update"), e.getMessage());
        assertEquals(2, new LossLog(dir).rows().size(), "steps 1-2 logged, step 3 not");
        assertEquals(List.of(2), new RunCheckpoints(dir).steps());
    }

    @Test
    void theFirstBadGradientIsNamed() {
        CpuBackend be = new CpuBackend();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        grads.put("x_embedder.proj.weight", Tensor.of(new float[] {1, 2, 3}, 3));
        grads.put("blocks.0.attn.qkv.weight", Tensor.of(new float[] {0, Float.POSITIVE_INFINITY, Float.NaN}, 3));
        grads.put("blocks.1.attn.qkv.weight", Tensor.of(new float[] {Float.NaN}, 1));
        var step = new DimbaTrainer.Step(Tensor.of(new float[] {0.5f}, 1), null, null, grads);
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> GradientCheck.check(be, step, 7));
        assertEquals("grad.blocks.0.attn.qkv.weight", e.tensor());
        assertTrue(e.getMessage().contains("Infinity at element 1"), e.getMessage());
    }

    @Test
    void gradientNormAndClippingFollowClipGradNorm() {
        CpuBackend be = new CpuBackend();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        grads.put("a", Tensor.of(new float[] {3, 0}, 2));
        grads.put("b", Tensor.of(new float[] {4}, 1));
        GradientCheck.Result r = GradientCheck.check(be, new DimbaTrainer.Step(Tensor.of(new float[] {1}, 1), null, null, grads), 1);
        assertEquals(5.0, r.norm(), 0);
        assertEquals(grads, r.clipped(be, 0), "0: no clipping");
        assertEquals(grads, r.clipped(be, 10), "below the limit: unchanged");
        float coef = (float) (1.0 / (5.0 + 1e-6));
        assertArrayEquals(new float[] {3 * coef, 0}, r.clipped(be, 1).get("a").toFloatArray());
        assertArrayEquals(new float[] {4 * coef}, r.clipped(be, 1).get("b").toFloatArray());
    }
}
