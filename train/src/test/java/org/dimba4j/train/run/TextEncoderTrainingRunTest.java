package org.dimba4j.train.run;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.model.t5.T5Encoder;
import org.dimba4j.train.optim.OptimizerSettings;
import org.dimba4j.train.optim.Optimizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --train-text-encoder}: the checkpoints carry a trained, loadable text encoder (and its EMA), the denoiser's
 * updates change, resume is bit-exact, train.json keeps the setting, and data without token ids is refused first.
 */
class TextEncoderTrainingRunTest {
    private static final int VOCAB = 130;

    private static RunSettings joint(int steps) {
        return RunFixtures.settings(steps).toBuilder().trainTextEncoder(true).emaDecay(0.9).build();
    }

    private static TrainingRun run(RunSettings s, Path dir, boolean withIds) {
        CpuBackend be = new CpuBackend();
        SeededLatentData data = SeededLatentData.tiny(RunFixtures.DATA_SEED, RunFixtures.DATA_SIZE);
        if (withIds) data.withInputIds(VOCAB);
        return new TrainingRun(s, dir, data, Optimizers.create(s.optimizer(),
                OptimizerSettings.defaults().withWeightDecay(s.weightDecay()), be), be, RunFixtures.quiet());
    }

    private static byte[] textWeights(Path checkpoint) {
        return RunFixtures.bytes(checkpoint.resolve("text_encoder/model.safetensors"));
    }

    @Test
    void checkpointsCarryTheTrainedEncoderAndResumeBitForBit(@TempDir Path tmp) throws Exception {
        int steps = 5;
        Path frozen = tmp.resolve("frozen"), straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        String last = "checkpoints/step-" + steps;
        run(RunFixtures.settings(steps).toBuilder().emaDecay(0.9).build(), frozen, true).start();
        run(joint(steps), straight, true).start();
        assertEquals(joint(steps), RunSettings.read(straight));
        assertTrue(RunSettings.read(straight).trainTextEncoder());

        Path ckpt = straight.resolve(last);
        byte[] source = RunFixtures.bytes(RunFixtures.TINY.resolve("text_encoder/model.safetensors"));
        assertFalse(Arrays.equals(source, textWeights(ckpt)), "the text encoder was trained");
        assertArrayEquals(source, textWeights(frozen.resolve(last)), "a frozen run links the source's encoder");
        assertFalse(Arrays.equals(RunFixtures.weights(frozen.resolve(last)), RunFixtures.weights(ckpt)),
                "the denoiser's updates change with the encoder's features");
        assertTrue(Files.isRegularFile(ckpt.resolve(RunCheckpoints.TEXT_ENCODER_EMA + "/model.safetensors")));
        assertFalse(Files.exists(frozen.resolve(last).resolve(RunCheckpoints.TEXT_ENCODER_EMA)));
        try (CpuBackend be = new CpuBackend(); T5Encoder enc = T5Encoder.load(ckpt.resolve("text_encoder"), be);
             T5Encoder ema = T5Encoder.load(ckpt.resolve(RunCheckpoints.TEXT_ENCODER_EMA), be);
             T5Encoder orig = T5Encoder.load(RunFixtures.TINY.resolve("text_encoder"), be)) {
            Tensor ids = Tensor.ofLongs(new long[] {5, 9, 1}, 1, 3);
            float[] a = enc.encode(ids, null).toFloatArray(), b = orig.encode(ids, null).toFloatArray(),
                    c = ema.encode(ids, null).toFloatArray();
            assertFalse(Arrays.equals(a, b), "the checkpoint's encoder is the trained one");
            assertFalse(Arrays.equals(a, c), "its EMA is another set of weights");
            for (float v : a) assertTrue(Float.isFinite(v));
        }

        run(joint(steps - 1), resumed, true).start();
        run(joint(steps), resumed, true).resume();
        assertArrayEquals(RunFixtures.weights(ckpt), RunFixtures.weights(resumed.resolve(last)), "transformer");
        assertArrayEquals(textWeights(ckpt), textWeights(resumed.resolve(last)), "text encoder");
        assertArrayEquals(RunFixtures.optimizer(ckpt), RunFixtures.optimizer(resumed.resolve(last)), "optimizer state");
        assertArrayEquals(RunFixtures.bytes(ckpt.resolve(RunCheckpoints.TEXT_ENCODER_EMA + "/model.safetensors")),
                RunFixtures.bytes(resumed.resolve(last).resolve(RunCheckpoints.TEXT_ENCODER_EMA + "/model.safetensors")),
                "text encoder EMA");
    }

    @Test
    void dataWithoutTokenIdsIsRefusedBeforeAnyStep(@TempDir Path tmp) {
        Path dir = tmp.resolve("run");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(joint(2), dir, false).start());
        assertTrue(e.getMessage().contains("--train-text-encoder") && e.getMessage().contains("input_ids"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("checkpoints")), "no step ran");
    }

    @Test
    void olderTrainJsonReadsAsFrozen(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        RunFixtures.writeOlderTrainJson(dir, "trainTextEncoder");
        assertFalse(Files.readString(dir.resolve(RunSettings.FILE)).contains("trainTextEncoder"));
        assertFalse(RunSettings.read(dir).trainTextEncoder());
    }
}
