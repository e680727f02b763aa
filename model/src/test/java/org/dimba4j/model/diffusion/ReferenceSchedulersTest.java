package org.dimba4j.model.diffusion;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.random.TorchGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Against diffusers' DPMSolverMultistepScheduler and DDIMScheduler, and the official IDDPM and DDIM loops
 * (gaussian_diffusion.py + respace.py), all run on the analytic model by tools/fixtures/diffusion/make_fixtures.py.
 */
class ReferenceSchedulersTest {
    private static SafetensorsFile diffusers;
    private static SafetensorsFile official;

    @BeforeAll
    static void open() {
        diffusers = Fixtures.open("diffusers_schedulers.safetensors");
        official = Fixtures.open("official_iddpm_ddim.safetensors");
    }

    @AfterAll
    static void close() {
        diffusers.close();
        official.close();
    }

    @Test
    void dpmSolverUpdatesMatchDiffusersOrder2() {
        diffusersDpm("dpm_o2_s20", 2);
    }

    @Test
    void dpmSolverUpdatesMatchDiffusersOrder3() {
        diffusersDpm("dpm_o3_s20", 3);
    }

    @Test
    void dpmSolverUpdatesMatchDiffusersTenSteps() {
        diffusersDpm("dpm_o2_s10", 2);
    }

    /**
     * diffusers walks integer timesteps round(linspace(999, 0)) and ends at sigma 0 (x0 itself); its orders:
     * first order at the first step and (final_sigmas_type "zero") at the last, the solver order elsewhere
     * once enough history exists. The update formulas are the official ones: only the grid differs.
     */
    private void diffusersDpm(String name, int order) {
        long[] ts = diffusers.get(name + "/timesteps").toLongArray();
        double[] alpha = Fixtures.doubles(diffusers.get(name + "/alpha"));
        double[] sigma = Fixtures.doubles(diffusers.get(name + "/sigma"));
        int n = ts.length;
        DpmSolver.GridPoint[] grid = new DpmSolver.GridPoint[n + 1];
        GaussianDiffusion ddpm = GaussianDiffusion.of(BetaSchedule.linear(1000));
        for (int i = 0; i <= n; i++) {
            grid[i] = new DpmSolver.GridPoint(i < n ? ts[i] : 0f, alpha[i], sigma[i]);
            if (i < n) {
                // the same discrete schedule (diffusers builds it in float32)
                assertEquals(alpha[i], Math.sqrt(ddpm.alphaCumprod((int) ts[i])), 2e-6, name + " alpha at " + ts[i]);
            }
        }
        int[] orders = new int[n + 1];
        for (int step = 1; step <= n; step++) orders[step] = step == n ? 1 : Math.min(order, step);
        Tensor traj = diffusers.get(name + "/trajectory");
        float[] c = diffusers.get("cond").toFloatArray();
        DpmSolver.multistep(diffusers.get("x_T").toF32(), AnalyticModel.dpmWrapper(c, c, 1f), grid, orders,
                (k, steps, latents, denoised) -> Fixtures.assertClose(Fixtures.step(traj, k - 1), latents.floats(),
                        1e-4, 1e-4, name + " step " + k));
    }

    @Test
    void ddimMatchesDiffusersDdimScheduler() {
        for (int steps : new int[] {20, 50}) {
            String name = "ddim_s" + steps;
            Ddim ddim = new Ddim(BetaSchedule.linear(1000), steps, 0, null);
            long[] want = diffusers.get(name + "/timesteps").toLongArray();
            assertArrayEquals(java.util.Arrays.stream(want).mapToInt(v -> (int) v).toArray(), ddim.timesteps(), name);
            Tensor traj = diffusers.get(name + "/trajectory");
            float[] c = diffusers.get("cond").toFloatArray();
            ddim.sample(diffusers.get("x_T").toF32(), AnalyticModel.plain(c), (k, n, latents, denoised) ->
                    Fixtures.assertClose(Fixtures.step(traj, k - 1), latents.floats(), 1e-4, 1e-4, name + " step " + k));
        }
    }

    @Test
    void ddimMatchesOfficialDdimSampleLoop() {
        Ddim ddim = new Ddim(BetaSchedule.linear(1000), 20, 0, null);
        long[] map = official.get("ddim_s20/timestep_map").toLongArray();
        int[] t = ddim.timesteps();
        for (int i = 0; i < map.length; i++) assertEquals(map[map.length - 1 - i], t[i]);
        Tensor traj = official.get("ddim_s20/trajectory");
        ddim.sample(official.get("x_T").toF32(), AnalyticModel.plain(official.get("cond").toFloatArray()),
                (k, n, latents, denoised) -> Fixtures.assertClose(Fixtures.step(traj, k - 1), latents.floats(),
                        2e-5, 2e-5, "official ddim step " + k));
    }

    @Test
    void iddpmMatchesOfficialLoopWithTorchNoise() {
        TorchGenerator g = new TorchGenerator(77); // torch.manual_seed(77): the global CPU generator
        Tensor z = g.randn(1, 4, 8, 8);
        Iddpm iddpm = new Iddpm(BetaSchedule.linear(1000), 20, g, 2);
        long[] map = official.get("iddpm_s20_g4.5/timestep_map").toLongArray();
        int[] t = iddpm.timesteps();
        for (int i = 0; i < map.length; i++) assertEquals(map[map.length - 1 - i], t[i]);
        double[] ac = Fixtures.doubles(official.get("iddpm_s20_g4.5/alphas_cumprod"));
        GaussianDiffusion spaced = GaussianDiffusion.of(BetaSchedule.linear(1000))
                .respace(GaussianDiffusion.spaceTimesteps(1000, "20"));
        for (int i = 0; i < ac.length; i++) assertEquals(ac[i], spaced.alphaCumprod(i), 1e-15);

        float[] cond = official.get("cond").toFloatArray();
        float[] uncond = official.get("uncond").toFloatArray();
        float g45 = 4.5f;
        // forward_with_cfg of the official model: guidance on the first 3 channels only, the rest conditional
        DiffusionModel cfg3 = (x, time) -> {
            int[] s = x.shape();
            float[] co = AnalyticModel.output(x.floats(), s, time, cond);
            float[] un = AnalyticModel.output(x.floats(), s, time, uncond);
            int plane = s[2] * s[3];
            for (int i = 0; i < 3 * plane; i++) co[i] = un[i] + g45 * (co[i] - un[i]);
            return Tensor.of(co, 1, 8, s[2], s[3]);
        };
        Tensor traj = official.get("iddpm_s20_g4.5/trajectory");
        iddpm.sample(z, cfg3, (k, n, latents, denoised) -> Fixtures.assertClose(Fixtures.step(traj, k - 1),
                latents.floats(), 1e-4, 1e-4, "official iddpm step " + k));
    }

    @Test
    void spaceTimestepsFollowsRespace() {
        assertArrayEquals(new int[] {0, 333, 666, 999}, GaussianDiffusion.spaceTimesteps(1000, "4"));
        assertArrayEquals(new int[] {0, 250, 500, 750}, GaussianDiffusion.spaceTimesteps(1000, "ddim4"));
        assertArrayEquals(new int[] {0, 2, 4, 5, 7, 9}, GaussianDiffusion.spaceTimesteps(10, "3,3"));
    }
}
