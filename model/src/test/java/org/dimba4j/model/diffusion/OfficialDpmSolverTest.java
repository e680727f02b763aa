package org.dimba4j.model.diffusion;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Against the official dpm_solver.py, run on the analytic model by tools/fixtures/diffusion/make_fixtures.py. */
class OfficialDpmSolverTest {
    private static SafetensorsFile f;
    private static NoiseScheduleVP schedule;

    @BeforeAll
    static void open() {
        f = Fixtures.open("official_dpm_solver.safetensors");
        schedule = NoiseScheduleVP.discrete(BetaSchedule.linear(1000));
    }

    @AfterAll
    static void close() {
        f.close();
    }

    @Test
    void linearBetasMatchTheOfficialFloat64Schedule() {
        double[] want = Fixtures.doubles(f.get("schedule/betas"));
        double[] got = BetaSchedule.linear(1000);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-18, "beta " + i);
        double[] ac = Fixtures.doubles(f.get("schedule/alphas_cumprod"));
        GaussianDiffusion d = GaussianDiffusion.of(got);
        for (int i = 0; i < ac.length; i++) assertEquals(ac[i], d.alphaCumprod(i), 1e-15, "alphas_cumprod " + i);
    }

    @Test
    void continuousScheduleMatchesNoiseScheduleVP() {
        float[] t = f.get("schedule/probe_t").toFloatArray();
        float[] logAlpha = f.get("schedule/log_alpha").toFloatArray();
        float[] sigma = f.get("schedule/sigma").toFloatArray();
        float[] lambda = f.get("schedule/lambda").toFloatArray();
        float[] inv = f.get("schedule/inverse_lambda").toFloatArray();
        assertEquals(1000, schedule.totalN());
        for (int i = 0; i < t.length; i++) {
            assertEquals(logAlpha[i], schedule.marginalLogMeanCoeff(t[i]), 1e-6, "log alpha at " + t[i]);
            assertEquals(sigma[i], schedule.marginalStd(t[i]), 1e-6, "sigma at " + t[i]);
            // torch evaluates log(1 - exp(2 log alpha)) in float32: near t = 1/1000 that cancels to ~1e-5 relative
            assertEquals(lambda[i], schedule.marginalLambda(t[i]), 1e-4, "lambda at " + t[i]);
            assertEquals(inv[i], schedule.inverseLambda(schedule.marginalLambda(t[i])), 2e-6, "inverse lambda at " + t[i]);
        }
    }

    @Test
    void order2TwentyStepsGuidance45() {
        check("dpm_o2_s20_g4.5", 20, 2, DpmSolver.SkipType.TIME_UNIFORM, 4.5f);
    }

    @Test
    void order2TwentyStepsGuidance1() {
        check("dpm_o2_s20_g1", 20, 2, DpmSolver.SkipType.TIME_UNIFORM, 1f);
    }

    @Test
    void order3TwentySteps() {
        check("dpm_o3_s20_g4.5", 20, 3, DpmSolver.SkipType.TIME_UNIFORM, 4.5f);
    }

    @Test
    void order1TenSteps() {
        check("dpm_o1_s10_g2", 10, 1, DpmSolver.SkipType.TIME_UNIFORM, 2f);
    }

    @Test
    void logSnrSkip() {
        check("dpm_o2_s15_logsnr", 15, 2, DpmSolver.SkipType.LOGSNR, 3f);
    }

    @Test
    void timeQuadraticSkip() {
        check("dpm_o2_s12_quadratic", 12, 2, DpmSolver.SkipType.TIME_QUADRATIC, 3f);
    }

    @Test
    void officialOrdersAreFirstOrderAtBothEnds() {
        DpmSolver s = DpmSolver.official(schedule, 20);
        int[] o = s.orders();
        assertEquals(1, o[1]);
        assertEquals(1, o[20]);
        for (int i = 2; i < 20; i++) assertEquals(2, o[i], "step " + i);
        int[] o3 = new DpmSolver(schedule, 20, 3, DpmSolver.SkipType.TIME_UNIFORM, true).orders();
        assertArrayEquals(new int[] {1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 1},
                java.util.Arrays.copyOfRange(o3, 1, 21));
        assertThrows(IllegalArgumentException.class, () -> new DpmSolver(schedule, 1, 2, DpmSolver.SkipType.TIME_UNIFORM, true));
    }

    private void check(String name, int steps, int order, DpmSolver.SkipType skip, float guidance) {
        DpmSolver solver = new DpmSolver(schedule, steps, order, skip, true);
        float[] wantT = f.get(name + "/timesteps").toFloatArray();
        float[] gotT = solver.timesteps();
        for (int i = 0; i < wantT.length; i++) assertEquals(wantT[i], gotT[i], 5e-6, name + " timestep " + i); // logSNR: float32 inverse in torch

        Tensor xT = f.get("x_T").toF32();
        List<Float> times = new ArrayList<>();
        DiffusionModel inner = AnalyticModel.dpmWrapper(f.get("cond").toFloatArray(), f.get("uncond").toFloatArray(), guidance);
        DiffusionModel model = (x, t) -> {
            times.add(t);
            return inner.predict(x, t);
        };
        Tensor traj = f.get(name + "/trajectory");
        int[] step = {0};
        Tensor out = solver.sample(xT, model, (k, n, latents, denoised) -> {
            assertEquals(step[0] + 1, k);
            assertEquals(steps, n);
            Fixtures.assertClose(Fixtures.step(traj, k - 1), latents.floats(), 2e-5, 2e-5, name + " step " + k);
            step[0]++;
        });
        assertEquals(steps, step[0]);
        Fixtures.assertClose(f.get(name + "/final").toFloatArray(), out.floats(), 2e-5, 2e-5, name + " final");

        double[] wantTimes = Fixtures.doubles(f.get(name + "/model_time"));
        assertEquals(wantTimes.length, times.size(), name + ": one model evaluation per step");
        for (int i = 0; i < wantTimes.length; i++) assertEquals(wantTimes[i], times.get(i), 2e-3, name + " model time " + i);
    }
}
