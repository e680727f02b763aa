package org.dimba4j.train.vae;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.model.vae.AutoencoderKL;
import org.dimba4j.model.vae.SyntheticVaeWeights;
import org.dimba4j.model.vae.VaeConfig;
import org.dimba4j.io.FileTrees;
import org.dimba4j.train.data.shapes.ShapesDatasetWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train-vae runs: a resumed run ends with the same bytes as a straight one, and the final folder loads. */
class VaeTrainingRunTest {
    static final VaeConfig TINY = VaeConfig.builder().blockOutChannels(4, 8).layersPerBlock(1).normNumGroups(2)
            .latentChannels(2).sampleSize(64).scalingFactor(1f).build();
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void dataset() {
        data = tmp.resolve("shapes");
        ShapesDatasetWriter.write(data, 14, 64, 3);
    }

    private VaeRunSettings settings(Path run) {
        return VaeRunSettings.builder().data(data).runDir(run).steps(4).batch(4).lr(3e-3).warmupSteps(1).seed(7)
                .checkpointEvery(2).holdout(4).build();
    }

    private VaeTrainingRun.Result train(Path run) {
        try (CpuBackend be = new CpuBackend()) {
            return new VaeTrainingRun(settings(run), TINY, be).run(new SyntheticVaeWeights(TINY, DType.F32, 1), m -> {});
        }
    }

    @Test
    void resumedFromTheMiddleCheckpointEndsWithTheSameBytes() throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        VaeTrainingRun.Result a = train(straight);
        train(resumed);
        // as if killed after the step-2 checkpoint: later files gone, a half-written aside folder and loss rows left
        FileTrees.delete(resumed.resolve("checkpoints/step-4"));
        FileTrees.delete(resumed.resolve("vae"));
        Files.delete(resumed.resolve("eval.json"));
        Files.createDirectories(resumed.resolve("checkpoints/step-4.tmp/vae"));
        VaeTrainingRun.Result b = train(resumed);

        String w = "vae/" + VaeTrainingRun.WEIGHTS;
        assertArrayEquals(Files.readAllBytes(straight.resolve(w)), Files.readAllBytes(resumed.resolve(w)));
        assertArrayEquals(Files.readAllBytes(straight.resolve("vae/config.json")), Files.readAllBytes(resumed.resolve("vae/config.json")));
        assertEquals(Files.readString(straight.resolve(VaeTrainingRun.LOSS)), Files.readString(resumed.resolve(VaeTrainingRun.LOSS)));
        assertEquals(5, Files.readAllLines(straight.resolve(VaeTrainingRun.LOSS)).size(), "header + 4 steps");
        assertEquals(a.heldOutPsnrDb(), b.heldOutPsnrDb());
        assertTrue(a.heldOutPsnrDb() > 3 && a.heldOutPsnrDb() < 60, "PSNR " + a.heldOutPsnrDb());

        try (CpuBackend be = new CpuBackend(); AutoencoderKL vae = AutoencoderKL.load(straight, be)) {
            assertEquals(a.scalingFactor(), vae.scalingFactor());
            assertEquals(1 / a.latentStd(), vae.scalingFactor(), 1e-4 / a.latentStd());
        }
    }

    @Test
    void otherSettingsInAnExistingRunAndTooFewImagesAreRefused() {
        Path run = tmp.resolve("refused");
        train(run);
        try (CpuBackend be = new CpuBackend()) {
            VaeRunSettings other = VaeRunSettings.builder().data(data).runDir(run).steps(4).batch(4).lr(1e-3).holdout(4).build();
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new VaeTrainingRun(other, TINY, be).run(new SyntheticVaeWeights(TINY, DType.F32, 1), m -> {}));
            assertTrue(e.getMessage().contains("other settings"), e.getMessage());
            VaeRunSettings small = VaeRunSettings.builder().data(data).runDir(tmp.resolve("small")).batch(8).holdout(8).build();
            e = assertThrows(IllegalArgumentException.class,
                    () -> new VaeTrainingRun(small, TINY, be).run(new SyntheticVaeWeights(TINY, DType.F32, 1), m -> {}));
            assertTrue(e.getMessage().contains("has 14 images") && e.getMessage().contains("fewer than one batch of 8"), e.getMessage());
            assertTrue(!Files.exists(tmp.resolve("small")), "nothing written for a refused run");
        }
        assertThrows(IllegalArgumentException.class, () -> VaeRunSettings.builder().data(data).runDir(run).klWeight(-1).build());
    }
}
