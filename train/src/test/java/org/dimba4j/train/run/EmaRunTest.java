package org.dimba4j.train.run;

import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --ema-decay}: PixArt's update_ema after every update, saved as transformer_ema/, resumed bit for bit. */
class EmaRunTest {
    private static final double DECAY = 0.9;

    private static RunSettings ema(int steps) {
        RunSettings s = RunFixtures.settings(steps);
        return s.toBuilder().emaDecay(DECAY).build();
    }

    private static float[] tensor(Path file, String name) {
        try (TensorSource src = SafetensorsFile.open(file)) {
            return src.get(name).toFloatArray();
        }
    }

    @Test
    void emaIsPixArtsUpdateAndResumesBitForBit(@TempDir Path tmp) throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        RunFixtures.run(ema(4), straight, RunFixtures.quiet()).start();
        assertEquals(ema(4), RunSettings.read(straight));

        // The weights after update 1 are not saved, but warm-up gives update 1 lr 0 (AdamW's decay is lr-scaled too),
        // so w_1 = w_0 and the EMA after update 2 follows from the model's weights and checkpoint step-2's.
        Path c2 = straight.resolve("checkpoints/step-2");
        String name = "x_embedder.proj.weight";
        float[] w0 = tensor(RunFixtures.TINY.resolve("transformer/model.safetensors"), name);
        float[] w2 = tensor(c2.resolve("transformer/model.safetensors"), name);
        float[] e2 = tensor(c2.resolve(RunCheckpoints.EMA + "/model.safetensors"), name);
        float d = (float) DECAY, a = (float) (1 - DECAY);
        float[] expect = new float[w0.length];
        for (int i = 0; i < w0.length; i++) {
            float m = w0[i] * d + a * w0[i]; // update 1 (w_1 = w_0)
            expect[i] = m * d + a * w2[i];   // update 2
        }
        assertArrayEquals(expect, e2, "ema after 2 updates of PixArt's update_ema");
        assertFalse(java.util.Arrays.equals(w2, e2), "the EMA lags the weights");
        assertTrue(Files.isRegularFile(c2.resolve(RunCheckpoints.EMA + "/config.json")), "a loadable transformer folder");

        RunFixtures.run(ema(2), resumed, RunFixtures.quiet()).start();
        RunFixtures.run(ema(4), resumed, RunFixtures.quiet()).resume();
        Path s4 = straight.resolve("checkpoints/step-4"), r4 = resumed.resolve("checkpoints/step-4");
        assertArrayEquals(RunFixtures.weights(s4), RunFixtures.weights(r4));
        assertArrayEquals(RunFixtures.bytes(s4.resolve(RunCheckpoints.EMA + "/model.safetensors")),
                RunFixtures.bytes(r4.resolve(RunCheckpoints.EMA + "/model.safetensors")), "EMA resumed bit for bit");
    }

    @Test
    void withoutEmaDecayThereIsNoEmaFolderAndOldTrainJsonReadsAsNone(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        RunFixtures.run(RunFixtures.settings(2), run, RunFixtures.quiet()).start();
        assertFalse(Files.exists(run.resolve("checkpoints/step-2/" + RunCheckpoints.EMA)));
        String json = Files.readString(run.resolve(RunSettings.FILE));
        Files.writeString(run.resolve(RunSettings.FILE), json.replaceAll("(?m)^\\s*\"emaDecay\" : [^,\\n]*,?\\n", ""));
        assertFalse(Files.readString(run.resolve(RunSettings.FILE)).contains("emaDecay"));
        assertEquals(0.0, RunSettings.read(run).emaDecay());
    }
}
