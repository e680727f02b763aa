package org.dimba4j.model.diffusion;

import org.dimba4j.kernels.Tensor;

import java.util.Locale;

/**
 * Multistep DPM-Solver++ (Lu et al. 2022) as the official dpm_solver.py runs it for Dimba
 * ({@code DPM_Solver(model_fn, NoiseScheduleVP('discrete'), algorithm_type="dpmsolver++").sample(x,
 * steps, order=2, skip_type="time_uniform", method="multistep")}), with its defaults lower_order_final=True
 * and solver_type="dpmsolver":
 * <ul>
 *   <li>times t_0 = 1 .. t_N = 1/1000 (time_uniform: float32 linspace; logSNR: uniform in lambda;
 *       time_quadratic: uniform in sqrt t); the model sees 1000 (t - 1/1000), so 999, 949.05, ...;</li>
 *   <li>the model is evaluated at t_0 .. t_{N-1} (N evaluations) and turned into a data prediction
 *       x0 = (x - sigma_t eps) / alpha_t;</li>
 *   <li>step i (1-based) has order i during the warm-up (i < order), then {@code order}, lowered to
 *       N + 1 - i near the end: with order 2 both the first and the last step are first order.</li>
 * </ul>
 * The update of step s -> t with h = lambda_t - lambda_s and phi_1 = expm1(-h):
 * x_t = (sigma_t / sigma_s) x - alpha_t phi_1 m0 (order 1); - 0.5 alpha_t phi_1 D1 added for order 2 with
 * D1 = (m0 - m1) / r0, r0 = h_0 / h; order 3 adds the second difference as dpm_solver.py's third update.
 * Scalar coefficients in double, tensors in float.
 */
public final class DpmSolver implements Sampler {

    /** How the time range is cut into steps. */
    public enum SkipType {
        TIME_UNIFORM, LOGSNR, TIME_QUADRATIC;

        public static SkipType parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT).replace('-', '_')) {
                case "time_uniform" -> TIME_UNIFORM;
                case "logsnr" -> LOGSNR;
                case "time_quadratic" -> TIME_QUADRATIC;
                default -> throw new IllegalArgumentException("unknown skip type '" + s
                        + "' (expected time_uniform, logSNR or time_quadratic)");
            };
        }
    }

    /** One point of the time grid: what the model is told, and the schedule's alpha and sigma there. */
    public record GridPoint(float modelTime, double alpha, double sigma) {
        double lambda() {
            return Math.log(alpha) - Math.log(sigma);
        }
    }

    private final NoiseScheduleVP schedule;
    private final int steps;
    private final int order;
    private final SkipType skipType;
    private final boolean lowerOrderFinal;

    public DpmSolver(NoiseScheduleVP schedule, int steps, int order, SkipType skipType, boolean lowerOrderFinal) {
        if (order < 1 || order > 3) throw new IllegalArgumentException("DPM-Solver order must be 1, 2 or 3, got " + order);
        if (steps < order) {
            throw new IllegalArgumentException("DPM-Solver multistep of order " + order + " needs at least " + order
                    + " steps, got " + steps);
        }
        this.schedule = schedule;
        this.steps = steps;
        this.order = order;
        this.skipType = skipType;
        this.lowerOrderFinal = lowerOrderFinal;
    }

    /** The official configuration: order 2, time-uniform, lower order at the end. */
    public static DpmSolver official(NoiseScheduleVP schedule, int steps) {
        return new DpmSolver(schedule, steps, 2, SkipType.TIME_UNIFORM, true);
    }

    @Override
    public String name() {
        return "dpm-solver";
    }

    @Override
    public int steps() {
        return steps;
    }

    /** The N + 1 continuous times from t_T = 1 down to t_0 = 1/N_train (float32, as torch computes them). */
    public float[] timesteps() {
        float tT = 1f;
        float t0 = (float) (1.0 / schedule.totalN());
        return switch (skipType) {
            case TIME_UNIFORM -> NoiseScheduleVP.torchLinspace(tT, t0, steps + 1);
            case TIME_QUADRATIC -> {
                float[] r = NoiseScheduleVP.torchLinspace((float) Math.sqrt(tT), (float) Math.sqrt(t0), steps + 1);
                for (int i = 0; i < r.length; i++) r[i] = r[i] * r[i];
                yield r;
            }
            case LOGSNR -> {
                float[] lam = NoiseScheduleVP.torchLinspace(schedule.marginalLambdaF32(tT),
                        schedule.marginalLambdaF32(t0), steps + 1);
                float[] r = new float[lam.length];
                for (int i = 0; i < r.length; i++) r[i] = (float) schedule.inverseLambda(lam[i]);
                yield r;
            }
        };
    }

    /** The order of each step 1..N (index 0 unused). */
    public int[] orders() {
        int[] o = new int[steps + 1];
        for (int step = 1; step <= steps; step++) {
            if (step < order) o[step] = step;
            else o[step] = lowerOrderFinal ? Math.min(order, steps + 1 - step) : order;
        }
        return o;
    }

    /** The grid the official solver walks: model times 1000 (t - 1/N), alpha_t and sigma_t. */
    public GridPoint[] grid() {
        float[] ts = timesteps();
        GridPoint[] g = new GridPoint[ts.length];
        for (int i = 0; i < ts.length; i++) {
            g[i] = new GridPoint(schedule.modelTime(ts[i]), schedule.marginalAlpha(ts[i]), schedule.marginalStd(ts[i]));
        }
        return g;
    }

    @Override
    public Tensor sample(Tensor noise, DiffusionModel model, StepListener listener) {
        return multistep(noise, model, grid(), orders(), listener);
    }

    /**
     * The multistep DPM-Solver++ walk over any grid (also the one of diffusers' DPMSolverMultistepScheduler,
     * whose last point has sigma 0): the model is evaluated at grid[0 .. N-1]; step i goes from grid[i-1]
     * to grid[i] with orders[i].
     */
    public static Tensor multistep(Tensor noise, DiffusionModel model, GridPoint[] grid, int[] orders,
                                   StepListener listener) {
        Latents.checkLatents(noise);
        int[] shape = noise.shape();
        int n = grid.length - 1;
        float[] x = Latents.hostCopy(noise);
        float[][] prevModel = new float[3][]; // [0] newest data prediction, [1], [2] older
        int[] prevIndex = new int[3];
        prevModel[0] = dataPrediction(model, x, shape, grid[0]);
        prevIndex[0] = 0;
        int have = 1;
        for (int step = 1; step <= n; step++) {
            int stepOrder = Math.min(orders[step], have);
            x = update(x, prevModel, prevIndex, grid, step, stepOrder);
            if (step < n) {
                prevModel[2] = prevModel[1];
                prevModel[1] = prevModel[0];
                prevIndex[2] = prevIndex[1];
                prevIndex[1] = prevIndex[0];
                prevModel[0] = dataPrediction(model, x, shape, grid[step]);
                prevIndex[0] = step;
                have = Math.min(have + 1, 3);
            }
            listener.onStep(step, n, Tensor.of(x.clone(), shape), Tensor.of(prevModel[0].clone(), shape));
        }
        return Tensor.of(x, shape);
    }

    private static float[] dataPrediction(DiffusionModel model, float[] x, int[] shape, GridPoint p) {
        float[] eps = Latents.channels(model.predict(Tensor.of(x.clone(), shape), p.modelTime()), shape, 0, shape[1]);
        double sigma = p.sigma();
        double alpha = p.alpha();
        float[] x0 = new float[x.length];
        for (int i = 0; i < x.length; i++) x0[i] = (float) ((x[i] - sigma * eps[i]) / alpha);
        return x0;
    }

    private static float[] update(float[] x, float[][] m, int[] idx, GridPoint[] grid, int step, int stepOrder) {
        GridPoint t = grid[step];
        GridPoint s0 = grid[idx[0]];
        double lambdaT = t.lambda();
        double lambda0 = s0.lambda();
        double h = lambdaT - lambda0;
        double phi1 = Math.expm1(-h);
        double ratio = t.sigma() / s0.sigma();
        double a = t.alpha() * phi1;
        float[] out = new float[x.length];
        switch (stepOrder) {
            case 1 -> {
                for (int i = 0; i < x.length; i++) out[i] = (float) (ratio * x[i] - a * m[0][i]);
            }
            case 2 -> {
                double r0 = (lambda0 - grid[idx[1]].lambda()) / h;
                for (int i = 0; i < x.length; i++) {
                    double d1 = (1.0 / r0) * (m[0][i] - m[1][i]);
                    out[i] = (float) (ratio * x[i] - a * m[0][i] - 0.5 * a * d1);
                }
            }
            case 3 -> {
                double lambda1 = grid[idx[1]].lambda();
                double lambda2 = grid[idx[2]].lambda();
                double r0 = (lambda0 - lambda1) / h;
                double r1 = (lambda1 - lambda2) / h;
                double phi2 = phi1 / h + 1.0;
                double phi3 = phi2 / h - 0.5;
                double alphaT = t.alpha();
                for (int i = 0; i < x.length; i++) {
                    double d10 = (1.0 / r0) * (m[0][i] - m[1][i]);
                    double d11 = (1.0 / r1) * (m[1][i] - m[2][i]);
                    double d1 = d10 + (r0 / (r0 + r1)) * (d10 - d11);
                    double d2 = (1.0 / (r0 + r1)) * (d10 - d11);
                    out[i] = (float) (ratio * x[i] - a * m[0][i] + alphaT * phi2 * d1 - alphaT * phi3 * d2);
                }
            }
            default -> throw new IllegalStateException("order " + stepOrder);
        }
        return out;
    }
}
