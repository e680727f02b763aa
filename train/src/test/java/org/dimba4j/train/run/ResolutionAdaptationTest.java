package org.dimba4j.train.run;

import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaInit;
import org.dimba4j.model.dimba.DimbaKeys;
import org.dimba4j.model.vae.VaeConfig;
import org.dimba4j.train.EpsilonMseLoss;
import org.dimba4j.train.Parameters;
import org.dimba4j.train.optim.OptimizerSettings;
import org.dimba4j.train.optim.Optimizers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --stage adapt-resolution}: the adapted config and position table against the official model rebuilt at the
 * new size (tools/fixtures/train/adapt_resolution_pe.py), a pre-trained model starting lower than a fresh one at the
 * new size, train.json, and exact resumption.
 */
class ResolutionAdaptationTest {
    static final int PRETRAIN_STEPS = 30, SIZE = 128;
    @TempDir
    static Path tmp;
    /**
     * The tiny reference config from the official initialisation after {@link #PRETRAIN_STEPS} steps at its 64 px (the
     * loss falls from 1.11 to about 0.3): the CKPT adapted.
     */
    static Path pretrained;

    @BeforeAll
    static void pretrain() {
        // from the official initialisation (as the fresh models compared against), at a high lr on few examples
        RunSettings s = RunFixtures.settings(PRETRAIN_STEPS);
        s = s.toBuilder().batch(4).lr(5e-3).warmupSteps(0).weightDecay(0).captionDropout(0).saveEvery(PRETRAIN_STEPS).build();
        Path run = tmp.resolve("pretrain");
        InitialWeights.write(run, RunFixtures.TINY.resolve("transformer/config.json"), 7);
        CpuBackend be = new CpuBackend();
        pretrained = new TrainingRun(s, run, new SeededLatentData(RunFixtures.DATA_SEED, 8, 8, 8, 16, 32),
                Optimizers.create(s.optimizer(), s.optimizerSettings(), be), be, RunFixtures.quiet()).start();
    }

    static TensorSource golden() throws Exception {
        return SafetensorsFile.open(Path.of(ResolutionAdaptationTest.class
                .getResource("/fixtures/train/adapt_resolution_pe.safetensors").toURI()));
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 1e-6, what + " [" + i + "]");
    }

    @Test
    void theAdaptedConfigsPositionTableIsTheOfficialModelsAtTheNewSize() throws Exception {
        try (TensorSource g = golden()) {
            for (int size : new int[] {128, 256}) {
                ResolutionAdaptation.Plan p = ResolutionAdaptation.check(RunFixtures.TINY, size);
                assertEquals(64, p.originalSize());
                assertEquals(8, p.downsampling());
                assertEquals(size / 8, p.adapted().inputSize());
                assertEquals(size / 64.0, p.adapted().peInterpolation());
                String name = "tiny" + size;
                assertClose(g.get("pos_embed." + name), DimbaInit.posEmbed(p.adapted()), name);
                assertClose(g.get("forward_pe." + name), DimbaInit.posEmbed(p.adapted()), name + " forward");
            }
        }
    }

    @Test
    void aFiveTwelveModelAdaptedToTenTwentyFourGetsPixArtsInterpolationTwo(@TempDir Path dir) throws Exception {
        // the paper's case: a 512 px model (input 64, pe_interpolation 1) -> 1024 px: input 128, pe_interpolation 2
        DimbaConfig c = DimbaConfig.load(RunFixtures.TINY.resolve("transformer/config.json")).toBuilder()
                .inputSize(64).hiddenSize(8).numHeads(2).depth(1).captionChannels(8).build();
        Path model = dir.resolve("m512");
        Files.createDirectories(model.resolve("transformer"));
        Files.createDirectories(model.resolve("vae"));
        Files.writeString(model.resolve("transformer/config.json"), c.toJson());
        SafetensorsWriter.write(model.resolve("transformer/model.safetensors"), DimbaInit.initialise(c, 3), Map.of());
        Files.copy(RunFixtures.TINY.resolve("vae/config.json"), model.resolve("vae/config.json"));
        Path init = ResolutionAdaptation.write(dir.resolve("run"), model, 1024);
        DimbaConfig adapted = DimbaConfig.load(init.resolve("transformer/config.json"));
        assertEquals(128, adapted.inputSize());
        assertEquals(2.0, adapted.peInterpolation());
        try (TensorSource g = golden(); TensorSource w = Checkpoints.open(init.resolve("transformer"))) {
            assertClose(g.get("pos_embed.base1024"), w.get(DimbaKeys.POS_EMBED), "base1024");
        }
    }

    @Test
    void theWeightsAreCopiedUnchangedAndOnlyPosEmbedIsRefilled(@TempDir Path dir) throws Exception {
        Path init = ResolutionAdaptation.write(dir.resolve("run"), pretrained, SIZE);
        try (TensorSource src = Checkpoints.open(pretrained.resolve("transformer"));
             TensorSource out = Checkpoints.open(init.resolve("transformer"));
             TensorSource g = golden()) {
            assertEquals(src.names(), out.names());
            for (String n : src.names()) {
                if (n.equals(DimbaKeys.POS_EMBED)) continue;
                assertEquals(src.info(n).dtype(), out.info(n).dtype(), n);
                assertArrayEquals(src.get(n).toFloatArray(), out.get(n).toFloatArray(), n);
            }
            assertClose(g.get("pos_embed.tiny128"), out.get(DimbaKeys.POS_EMBED), "pos_embed");
        }
        for (String part : RunCheckpoints.MODEL_PARTS) assertTrue(Files.exists(init.resolve(part)), part);
        // the one input-size-dependent tensor is the pos_embed buffer: every other name keeps its shape
        DimbaConfig a = DimbaConfig.load(pretrained.resolve("transformer/config.json"));
        ResolutionAdaptation.checkOnlyPosEmbedDepends(a, a.toBuilder().inputSize(64).peInterpolation(8).build());
    }

    @Test
    void badInputsAreNamedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        String e1 = assertThrows(IllegalArgumentException.class, () -> ResolutionAdaptation.check(pretrained, 72)).getMessage();
        assertTrue(e1.contains("--size 72 must be a positive multiple of 16"), e1);
        String e2 = assertThrows(IllegalArgumentException.class, () -> ResolutionAdaptation.check(pretrained, 64)).getMessage();
        assertTrue(e2.contains("is the size"), e2);
        String e3 = assertThrows(IllegalArgumentException.class,
                () -> ResolutionAdaptation.check(dir.resolve("nowhere"), 128)).getMessage();
        assertTrue(e3.contains("is not a model folder: no transformer/config.json"), e3);
        Files.createDirectories(dir.resolve("half/transformer"));
        Files.copy(RunFixtures.TINY.resolve("transformer/config.json"), dir.resolve("half/transformer/config.json"));
        Files.createDirectories(dir.resolve("half/vae"));
        Files.copy(RunFixtures.TINY.resolve("vae/config.json"), dir.resolve("half/vae/config.json"));
        String e4 = assertThrows(IllegalArgumentException.class,
                () -> ResolutionAdaptation.check(dir.resolve("half"), 128)).getMessage();
        assertTrue(e4.contains("is not a model folder"), e4);
        assertThrows(IllegalArgumentException.class, () -> ResolutionAdaptation.check(null, 128));
        assertTrue(!Files.exists(dir.resolve("run")));
    }

    @Test
    void thePretrainedModelStartsLowerAtTheNewSizeThanAFreshOne(@TempDir Path dir) {
        Path init = ResolutionAdaptation.write(dir.resolve("run"), pretrained, SIZE);
        DimbaConfig config = DimbaConfig.load(init.resolve("transformer/config.json"));
        float scaling = VaeConfig.load(init.resolve("vae/config.json")).scalingFactor();
        CpuBackend be = new CpuBackend();
        var opt = Optimizers.create("adamw", OptimizerSettings.defaults(), be);
        SeededLatentData data = new SeededLatentData(21, 4, SIZE / 8, SIZE / 8, 16, 32); // 16x16 latents
        Parameters adapted;
        try (TensorSource src = Checkpoints.open(init.resolve("transformer"))) {
            adapted = Parameters.copyOf(src, be);
        }
        int draws = 4;
        double adaptedMean = 0, freshMean = 0;
        for (int d = 0; d < draws; d++) {
            // the same eval draws (timesteps, noise) for both models, several of them so one lucky draw cannot decide
            adaptedMean += Evaluation.meanLoss(data, 2, 100 + d, adapted, config, scaling, be, EpsilonMseLoss.dimba(), opt) / draws;
            Parameters fresh = Parameters.of(uploaded(be, DimbaInit.initialise(config, 500 + d)), "fresh " + d);
            freshMean += Evaluation.meanLoss(data, 2, 100 + d, fresh, config, scaling, be, EpsilonMseLoss.dimba(), opt) / draws;
        }
        System.err.printf("adapt-resolution 64 -> %d px: mean loss adapted %.5f, fresh %.5f%n", SIZE, adaptedMean, freshMean);
        assertTrue(adaptedMean < freshMean, "adapted " + adaptedMean + " vs fresh " + freshMean);
    }

    private static Map<String, Tensor> uploaded(CpuBackend be, Map<String, Tensor> host) {
        Map<String, Tensor> m = new java.util.LinkedHashMap<>();
        host.forEach((n, t) -> m.put(n, be.upload(t)));
        return m;
    }

    static RunSettings adapt(Path runDir, int steps) {
        RunSettings s = RunFixtures.settings(steps);
        return s.toBuilder().model(runDir.resolve(InitialWeights.FOLDER).toString()).data("seeded:31x3")
                .stage(ResolutionAdaptation.STAGE).from(pretrained.toString()).size(SIZE).build();
    }

    static Path adaptRun(Path runDir, int steps, boolean resume) {
        RunSettings s = adapt(runDir, steps);
        if (!resume) ResolutionAdaptation.write(runDir, Path.of(s.from()), s.size());
        CpuBackend be = new CpuBackend();
        TrainingRun r = new TrainingRun(s, runDir, new SeededLatentData(31, 3, SIZE / 8, SIZE / 8, 16, 32),
                Optimizers.create(s.optimizer(), s.optimizerSettings(), be), be, RunFixtures.quiet());
        return resume ? r.resume() : r.start();
    }

    @Test
    void trainJsonRecordsTheStageAndTheRunResumesBitForBit(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        Path last = adaptRun(straight, 4, false);
        RunSettings read = RunSettings.read(straight);
        assertEquals(ResolutionAdaptation.STAGE, read.stage());
        assertEquals(pretrained.toString(), read.from());
        assertEquals(SIZE, read.size());
        assertEquals(adapt(straight, 4), read);
        assertEquals(SIZE / 8, DimbaConfig.load(last.resolve("transformer/config.json")).inputSize(),
                "every checkpoint carries the adapted config");
        adaptRun(resumed, 2, false);
        Path resumedLast = adaptRun(resumed, 4, true);
        assertArrayEquals(RunFixtures.weights(last), RunFixtures.weights(resumedLast));
        assertArrayEquals(RunFixtures.optimizer(last), RunFixtures.optimizer(resumedLast));
        assertEquals(Files.readString(straight.resolve(LossLog.FILE)), Files.readString(resumed.resolve(LossLog.FILE)));
    }
}
