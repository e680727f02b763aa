package org.dimba4j.train.run;

import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.model.dimba.Dimba;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run of models/tiny-reference stopped and resumed ends with the same bytes as one that never stopped. */
class TrainingRunResumeTest {
    static final int STEPS = 8;
    @TempDir
    static Path tmp;
    static Path straight;
    static String straightLog;

    @BeforeAll
    static void uninterrupted() throws Exception {
        straight = tmp.resolve("straight");
        java.io.StringWriter err = new java.io.StringWriter();
        Path last = RunFixtures.run(RunFixtures.settings(STEPS), straight, new PrintWriter(err, true)).start();
        assertEquals(straight.resolve("checkpoints/step-" + STEPS), last);
        straightLog = err.toString();
        System.err.print(straightLog);
    }

    @Test
    void runFolderHasSettingsLossLogPlotAndEveryCheckpoint() throws Exception {
        assertEquals(RunFixtures.settings(STEPS), RunSettings.read(straight));
        List<LossLog.Row> rows = new LossLog(straight).rows();
        assertEquals(STEPS, rows.size());
        for (int i = 0; i < STEPS; i++) {
            LossLog.Row r = rows.get(i);
            assertEquals(i + 1, r.step());
            assertTrue(r.loss() > 0 && Float.isFinite(r.loss()), "loss of step " + r.step() + ": " + r.loss());
            assertTrue(r.gradNorm() > 0, "grad norm of step " + r.step());
            // the tiny model learns sigma: the loss is the batch mean of mse + vb
            assertTrue(r.mse() > 0 && r.vb() > 0, "mse " + r.mse() + ", vb " + r.vb());
            assertEquals(r.mse() + r.vb(), r.loss(), 1e-5 * r.loss(), "loss = mean(mse) + mean(vb) at step " + r.step());
        }
        assertEquals(rows.get(0).loss(), rows.get(0).smoothedLoss(), 1e-6, "the bias-corrected average starts at the loss");
        double avg = 0.98 * (0.02 * rows.get(0).loss()) + 0.02 * rows.get(1).loss();
        assertEquals(avg / (1 - 0.98 * 0.98), rows.get(1).smoothedLoss(), 1e-6);
        assertEquals(0.0, rows.get(0).lr(), "warm-up starts at 0, as transformers' constant schedule with warm-up");
        assertEquals(1e-3, rows.get(1).lr(), 1e-18);
        assertEquals(2e-3, rows.get(2).lr(), 1e-18);
        assertEquals(List.of(2, 4, 6, 8), new RunCheckpoints(straight).steps());
        var png = ImageIO.read(straight.resolve("loss.png").toFile());
        assertEquals(LossPlot.WIDTH, png.getWidth());
        assertTrue(straightLog.contains("train step 1/8 loss "), straightLog);
        assertTrue(straightLog.contains("steps/s ETA "), straightLog);
        // the weights moved, and differently at each checkpoint
        assertFalse(java.util.Arrays.equals(RunFixtures.weights(straight.resolve("checkpoints/step-2")),
                RunFixtures.weights(straight.resolve("checkpoints/step-8"))));
    }

    @Test
    void checkpointIsAModelFolderTheModelLoads() {
        Path c = straight.resolve("checkpoints/step-8");
        for (String part : List.of("model_index.json", "tokenizer/spiece.model", "text_encoder/config.json",
                "vae/diffusion_pytorch_model.safetensors", "transformer/config.json", "trainer/state.json")) {
            assertTrue(Files.isRegularFile(c.resolve(part)), part);
        }
        try (TensorSource w = SafetensorsFile.open(c.resolve("transformer/model.safetensors"));
             TensorSource orig = SafetensorsFile.open(RunFixtures.TINY.resolve("transformer/model.safetensors"));
             Dimba model = Dimba.load(c.resolve("transformer"), new CpuBackend())) {
            assertEquals(orig.names(), w.names(), "the checkpoint has the state dict's tensors, buffers included");
            Tensor pos = w.get("pos_embed"), posOrig = orig.get("pos_embed");
            assertArrayEquals(posOrig.toFloatArray(), pos.toFloatArray(), "buffers are not trained");
            assertNotEquals(java.util.Arrays.toString(orig.get("t_block.1.weight").toFloatArray()),
                    java.util.Arrays.toString(w.get("t_block.1.weight").toFloatArray()), "parameters are");
            assertEquals(8, model.config().inputSize());
        }
    }

    @Test
    void stoppedAndResumedEqualsUninterruptedBitForBit() throws Exception {
        Path dir = tmp.resolve("resumed");
        RunFixtures.run(RunFixtures.settings(3), dir, RunFixtures.quiet()).start();        // saves 2 and 3
        Path last = RunFixtures.run(RunFixtures.settings(STEPS), dir, RunFixtures.quiet()).resume();
        assertEquals(dir.resolve("checkpoints/step-8"), last);
        assertArrayEquals(RunFixtures.weights(straight.resolve("checkpoints/step-8")), RunFixtures.weights(last));
        assertArrayEquals(RunFixtures.optimizer(straight.resolve("checkpoints/step-8")), RunFixtures.optimizer(last));
        assertEquals(Files.readString(straight.resolve("checkpoints/step-8/trainer/state.json")),
                Files.readString(last.resolve("trainer/state.json")));
        assertEquals(Files.readString(straight.resolve("loss.csv")), Files.readString(dir.resolve("loss.csv")));
        assertEquals(RunFixtures.settings(STEPS), RunSettings.read(dir), "train.json records the new step count");
    }

    @Test
    void cameRunResumesBitForBitToo() throws Exception {
        Path a = tmp.resolve("came-straight"), b = tmp.resolve("came-resumed");
        Path end = RunFixtures.run(RunFixtures.settings(6, "came"), a, RunFixtures.quiet()).start();
        RunFixtures.run(RunFixtures.settings(3, "came"), b, RunFixtures.quiet()).start();
        Path resumed = RunFixtures.run(RunFixtures.settings(6, "came"), b, RunFixtures.quiet()).resume();
        assertArrayEquals(RunFixtures.weights(end), RunFixtures.weights(resumed));
        assertArrayEquals(RunFixtures.optimizer(end), RunFixtures.optimizer(resumed));
        assertEquals(Files.readString(a.resolve("loss.csv")), Files.readString(b.resolve("loss.csv")));
        assertFalse(java.util.Arrays.equals(RunFixtures.weights(end), RunFixtures.weights(straight.resolve("checkpoints/step-6"))),
                "CAME and AdamW take different steps");
    }

    @Test
    void resumeFromAnOlderCheckpointDropsTheLaterLogRows() throws Exception {
        Path dir = tmp.resolve("older");
        RunFixtures.run(RunFixtures.settings(STEPS), dir, RunFixtures.quiet()).start();
        // as if the process had died after logging step 8 but before saving anything after step 4
        for (int s : List.of(6, 8)) org.dimba4j.io.FileTrees.delete(dir.resolve("checkpoints/step-" + s));
        RunFixtures.run(RunFixtures.settings(STEPS), dir, RunFixtures.quiet()).resume();
        assertArrayEquals(RunFixtures.weights(straight.resolve("checkpoints/step-8")),
                RunFixtures.weights(dir.resolve("checkpoints/step-8")));
        assertEquals(Files.readString(straight.resolve("loss.csv")), Files.readString(dir.resolve("loss.csv")));
    }

    @Test
    void keepLastKeepsOnlyTheNewest() {
        Path dir = tmp.resolve("keep");
        RunSettings s = RunFixtures.settings(5);
        s = s.toBuilder().saveEvery(1).keepLast(2).build();
        RunFixtures.run(s, dir, RunFixtures.quiet()).start();
        assertEquals(List.of(4, 5), new RunCheckpoints(dir).steps());
    }

    @Test
    void startRefusesAnExistingRunAndResumeRefusesOtherSettings() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> RunFixtures.run(RunFixtures.settings(STEPS), straight, RunFixtures.quiet()).start());
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        RunSettings s = RunFixtures.settings(STEPS);
        RunSettings other = s.toBuilder().lr(1e-2).build();
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> RunFixtures.run(other, straight, RunFixtures.quiet()).resume());
        assertTrue(e2.getMessage().contains("only --steps may change"), e2.getMessage());
    }
}
