package org.dimba4j.train.run;

import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.train.optim.Optimizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --betas} / {@code --eps}: stored in train.json, read back on resume, and reaching the optimizer. */
class OptimizerBetasRunTest {
    private static RunSettings with(RunSettings s, List<Double> betas, List<Double> eps) {
        return s.toBuilder().betas(betas).eps(eps).build();
    }

    private static byte[] train(RunSettings s, Path dir) {
        CpuBackend be = new CpuBackend();
        TrainingRun run = new TrainingRun(s, dir, SeededLatentData.tiny(RunFixtures.DATA_SEED, RunFixtures.DATA_SIZE),
                Optimizers.create(s.optimizer(), s.optimizerSettings(), be), be, RunFixtures.quiet());
        Path last = run.start();
        return RunFixtures.bytes(last.resolve("transformer/model.safetensors"));
    }

    @Test
    void betasAndEpsRoundTripThroughTrainJsonAndOldFilesReadAsDefaults(@TempDir Path tmp) throws Exception {
        RunSettings s = with(RunFixtures.settings(2, "came"), List.of(0.8, 0.99, 0.999), List.of(1e-20, 1e-12));
        s.write(tmp);
        RunSettings back = RunSettings.read(tmp);
        assertEquals(s, back);
        assertArrayEquals(new double[] {0.8, 0.99, 0.999}, back.optimizerSettings().betas());
        assertArrayEquals(new double[] {1e-20, 1e-12}, back.optimizerSettings().eps());

        // A train.json written before --betas existed has neither key: the optimizer's defaults.
        Path old = tmp.resolve("old");
        RunFixtures.settings(2).write(old);
        String json = Files.readString(old.resolve(RunSettings.FILE));
        Files.writeString(old.resolve(RunSettings.FILE), json.replaceAll("(?m)^\\s*\"(betas|eps)\" : null,?\\n", ""));
        assertFalse(Files.readString(old.resolve(RunSettings.FILE)).contains("betas"));
        RunSettings o = RunSettings.read(old);
        assertNull(o.betas());
        assertNull(o.eps());
    }

    @Test
    void wrongCountsAndRangesAreErrorsNamingTheProblem() {
        RunSettings s = RunFixtures.settings(2, "adamw");
        var e = assertThrows(IllegalArgumentException.class, () -> with(s, List.of(0.9, 0.99, 0.999), null));
        assertTrue(e.getMessage().contains("AdamW takes 2 betas"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> with(s, null, List.of(1e-8, 1e-8)));
        assertTrue(e.getMessage().contains("AdamW takes 1 eps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> with(s, List.of(0.9, 1.0), null));
        assertTrue(e.getMessage().contains("betas must be in [0, 1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> with(s, null, List.of(0.0)));
        assertTrue(e.getMessage().contains("eps must be > 0"), e.getMessage());
    }

    @Test
    void theBetasReachTheOptimizer(@TempDir Path tmp) {
        RunSettings dflt = RunFixtures.settings(2, "adamw");
        byte[] a = train(dflt, tmp.resolve("default"));
        // The defaults spelled out give the same weights bit for bit; other betas give other weights.
        byte[] b = train(with(dflt, List.of(0.9, 0.999), List.of(1e-8)), tmp.resolve("explicit"));
        byte[] c = train(with(dflt, List.of(0.5, 0.9), null), tmp.resolve("other"));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c), "betas 0.5,0.9 must change the AdamW update");
    }
}
