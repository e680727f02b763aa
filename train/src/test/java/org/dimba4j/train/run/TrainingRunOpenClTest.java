package org.dimba4j.train.run;

import org.dimba4j.kernels.opencl.OpenClBackend;
import org.dimba4j.kernels.opencl.OpenClDevices;
import org.dimba4j.train.optim.OptimizerSettings;
import org.dimba4j.train.optim.Optimizers;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The run loop on OpenClBackend (parameters on the device): the same losses as on the CPU up to float rounding, and
 * a stopped and resumed run ends with the same weight bytes as an uninterrupted one on that device. Skipped without
 * an OpenCL device unless OpenCL is required (-Ddimba.requireOpencl=true or DIMBA_REQUIRE_OPENCL=1).
 */
class TrainingRunOpenClTest {
    static final int STEPS = 4;

    @TempDir
    Path tmp;

    @Test
    void matchesTheCpuAndResumesExactly() {
        Optional<OpenClDevices.Info> dev = OpenClDevices.best();
        if (dev.isEmpty()) {
            String why = "no OpenCL platform/device found";
            if (Boolean.getBoolean("dimba.requireOpencl") || "1".equals(System.getenv("DIMBA_REQUIRE_OPENCL"))) Assertions.fail(why);
            Assumptions.abort(why);
        }
        Path cpu = tmp.resolve("cpu"), cl = tmp.resolve("cl"), clResumed = tmp.resolve("cl-resumed");
        RunFixtures.run(RunFixtures.settings(STEPS), cpu, RunFixtures.quiet()).start();
        try (OpenClBackend be = OpenClBackend.create(dev.get(), 64)) {
            run(be, STEPS, cl, false);
            run(be, 3, clResumed, false);
            run(be, STEPS, clResumed, true);
        }
        List<LossLog.Row> a = new LossLog(cpu).rows(), b = new LossLog(cl).rows();
        assertEquals(STEPS, b.size());
        for (int i = 0; i < STEPS; i++) {
            assertEquals(a.get(i).loss(), b.get(i).loss(), 1e-4 * a.get(i).loss(), "loss of step " + (i + 1));
            assertEquals(a.get(i).gradNorm(), b.get(i).gradNorm(), 1e-3 * a.get(i).gradNorm(), "grad norm of step " + (i + 1));
        }
        Path last = Path.of("checkpoints/step-" + STEPS);
        assertArrayEquals(RunFixtures.weights(cl.resolve(last)), RunFixtures.weights(clResumed.resolve(last)));
    }

    private static void run(OpenClBackend be, int steps, Path dir, boolean resume) {
        RunSettings s = RunFixtures.settings(steps);
        TrainingRun r = new TrainingRun(s, dir, SeededLatentData.tiny(RunFixtures.DATA_SEED, RunFixtures.DATA_SIZE),
                Optimizers.create(s.optimizer(), OptimizerSettings.defaults().withWeightDecay(s.weightDecay()), be), be,
                RunFixtures.quiet());
        if (resume) r.resume();
        else r.start();
    }
}
