package org.dimba4j.train.run;

import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --sample-every}: when the hook runs, which weights it sees, and that its file appears only when complete. */
class SampleHookRunTest {
    /** A hook that writes the weights it is given (so the test can compare them with the checkpoint's). */
    static SampleHook recording(List<Integer> steps) {
        return (step, weights, png) -> {
            steps.add(step);
            Map<String, Tensor> host = new LinkedHashMap<>();
            for (String n : weights.names()) host.put(n, Tensor.of(weights.get(n).toFloatArray(), weights.get(n).shape()));
            SafetensorsWriter.write(png, host, Map.of());
        };
    }

    static float[] tensor(Path file, String name) {
        try (TensorSource src = SafetensorsFile.open(file)) {
            return src.get(name).toFloatArray();
        }
    }

    @Test
    void everyNStepsAndTheLastWithTheEmaWeights(@TempDir Path tmp) {
        for (boolean ema : new boolean[] {false, true}) {
            RunSettingsBuilder b = RunFixtures.settings(5).toBuilder().sampleEvery(3);
            if (ema) b.emaDecay(0.9);
            RunSettings s = b.build();
            Path dir = tmp.resolve("ema-" + ema);
            List<Integer> steps = new ArrayList<>();
            TrainingRun run = RunFixtures.run(s, dir, RunFixtures.quiet()).withSampleHook(recording(steps));
            Path last = run.start();
            assertEquals(List.of(3, 5), steps);
            String name = "final_layer.linear.weight";
            Path weights = last.resolve((ema ? RunCheckpoints.EMA : "transformer") + "/model.safetensors");
            assertArrayEquals(tensor(weights, name), tensor(run.samplePath(5), name), "the sample of step 5, ema " + ema);
            assertFalse(Files.exists(run.samplePath(5).resolveSibling("step-5.png.tmp")));
        }
    }

    @Test
    void aFailingHookLeavesNoSampleAndARunWithoutAHookIsRefused(@TempDir Path tmp) {
        RunSettings s = RunFixtures.settings(2).toBuilder().sampleEvery(1).build();
        var e = assertThrows(IllegalArgumentException.class, () -> RunFixtures.run(s, tmp.resolve("none"), RunFixtures.quiet()).start());
        assertTrue(e.getMessage().contains("no sample hook"), e.getMessage());
        TrainingRun run = RunFixtures.run(s, tmp.resolve("failing"), RunFixtures.quiet()).withSampleHook((step, w, png) -> {
            try {
                Files.writeString(png, "half");
            } catch (java.io.IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
            throw new IllegalStateException("the sampler died");
        });
        assertThrows(IllegalStateException.class, run::start);
        assertFalse(Files.exists(run.samplePath(1)), "a sample appears only when complete");
    }
}
