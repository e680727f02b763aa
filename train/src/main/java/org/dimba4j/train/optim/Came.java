package org.dimba4j.train.optim;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CAME (Luo et al. 2023, "Confidence-guided Adaptive Memory Efficient Optimization") exactly as {@code came_pytorch.CAME},
 * which the official Dimba trains with through {@code CAMEWrapper} (a subclass that changes nothing: same factoring of
 * every tensor of rank >= 2, L2 weight decay {@code p -= lr wd p}, update clipping threshold d = 1).
 *
 * <p>For a gradient G of shape [..., R, C] (rank >= 2, leading dimensions are a batch):
 * <pre>
 *   r = b2 r + (1 - b2) mean_C(G^2 + eps1);  c = b2 c + (1 - b2) mean_R(G^2 + eps1)
 *   U = G * rsqrt(r / mean_R(r)) * rsqrt(c);  U = U / max(1, RMS(U) / d)
 *   m = b1 m + (1 - b1) U
 *   S = (U - m)^2 + eps2;  R' = b3 R' + (1 - b3) mean_C(S);  C' = b3 C' + (1 - b3) mean_R(S)
 *   p = p - lr wd p;  p = p - lr * rsqrt(R' / mean_R(R')) * rsqrt(C') * m
 * </pre>
 * Rank 1 keeps a full second moment v (U = G rsqrt(v)) and steps along m. The passes are fused: the factored step
 * reads G three times (row/column means, RMS, moment and instability means) and p once, and allocates only its result;
 * reductions are summed in double in a fixed order (the result does not depend on any thread count).
 */
public final class Came implements Optimizer {
    public static final String NAME = "came";

    private final Backend be;
    private final double beta1, beta2, beta3, eps1, eps2, clipThreshold, weightDecay;
    /** Per parameter name; concurrent because the tensors of one step are updated in parallel. */
    private final Map<String, CameState> state = new ConcurrentHashMap<>();

    /** @param be the backend of the parameters (null: host tensors only) */
    public Came(Backend be, double beta1, double beta2, double beta3, double eps1, double eps2, double clipThreshold,
                double weightDecay) {
        for (double b : new double[] {beta1, beta2, beta3}) {
            if (!(b >= 0 && b <= 1)) throw new IllegalArgumentException("CAME: betas must lie in [0, 1], got ("
                    + beta1 + ", " + beta2 + ", " + beta3 + ")");
        }
        if (!(eps1 >= 0) || !(eps2 >= 0) || !(clipThreshold > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("CAME: invalid hyper-parameters eps (" + eps1 + ", " + eps2
                    + "), clip threshold " + clipThreshold + ", weight decay " + weightDecay);
        }
        this.be = be;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.beta3 = beta3;
        this.eps1 = eps1;
        this.eps2 = eps2;
        this.clipThreshold = clipThreshold;
        this.weightDecay = weightDecay;
    }

    static Came of(Backend be, OptimizerSettings s) {
        double[] b = s.betasOr("CAME", new double[] {0.9, 0.999, 0.9999});
        double[] e = s.epsOr("CAME", new double[] {1e-30, 1e-16});
        return new Came(be, b[0], b[1], b[2], e[0], e[1], 1.0, s.weightDecayOr(0.0));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Tensor step(String name, Tensor param, Tensor grad, double lr) {
        HostTensors.checkShapes("CAME", name, param, grad);
        float[] p = HostTensors.read(be, param), g = HostTensors.read(be, grad);
        CameState s = state.computeIfAbsent(name, k -> new CameState(param.shape()));
        if (!Arrays.equals(s.shape, param.shape())) {
            throw new IllegalArgumentException("CAME: " + name + " is " + param + ", its state was made for "
                    + Arrays.toString(s.shape));
        }
        s.step++;
        float[] out = s.factored() ? factoredStep(s, p, g, lr) : vectorStep(s, p, g, lr);
        return HostTensors.write(be, param, out);
    }

    private float[] factoredStep(CameState s, float[] p, float[] g, double lr) {
        int rows = s.rows, cols = s.cols, batches = s.batches;
        float b1 = (float) beta1, c1 = (float) (1 - beta1), b2 = (float) beta2, c2 = (float) (1 - beta2);
        float b3 = (float) beta3, c3 = (float) (1 - beta3), e1 = (float) eps1, e2 = (float) eps2;
        // pass 1: exp_avg_sq_row/col from the row and column means of G^2 + eps1
        Means.updateSquares(g, e1, batches, rows, cols, s.sqRow, s.sqCol, b2, c2);
        float[] rFactor = Means.rowFactor(s.sqRow, batches, rows), cFactor = Means.colFactor(s.sqCol);
        // pass 2: RMS of U = G * r_factor * c_factor, for the update clipping
        double sumSq = 0;
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < rows; i++) {
                float r = rFactor[b * rows + i];
                int base = (b * rows + i) * cols, cb = b * cols;
                for (int j = 0; j < cols; j++) {
                    float u = r * cFactor[cb + j] * g[base + j];
                    sumSq += (double) u * u;
                }
            }
        }
        float clip = clipDivisor(sumSq, g.length);
        // pass 3: exp_avg and the instability S = (U - m)^2 + eps2, reduced to its row and column means
        float[] m = s.expAvg;
        double[] rowAcc = new double[batches * rows], colAcc = new double[batches * cols];
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < rows; i++) {
                float r = rFactor[b * rows + i];
                int base = (b * rows + i) * cols, cb = b * cols;
                double rowSum = 0;
                for (int j = 0; j < cols; j++) {
                    int k = base + j;
                    float u = r * cFactor[cb + j] * g[k] / clip;
                    float mk = m[k] * b1 + c1 * u;
                    m[k] = mk;
                    float d = u - mk;
                    float res = d * d + e2;
                    rowSum += res;
                    colAcc[cb + j] += res;
                }
                rowAcc[b * rows + i] = rowSum;
            }
        }
        Means.blend(rowAcc, cols, s.resRow, b3, c3);
        Means.blend(colAcc, rows, s.resCol, b3, c3);
        float[] rRes = Means.rowFactor(s.resRow, batches, rows), cRes = Means.colFactor(s.resCol);
        // pass 4: p = p - lr wd p - lr * res_approx * m
        float decay = (float) (-weightDecay * lr), lrF = (float) lr;
        float[] out = new float[p.length];
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < rows; i++) {
                float r = rRes[b * rows + i];
                int base = (b * rows + i) * cols, cb = b * cols;
                for (int j = 0; j < cols; j++) {
                    int k = base + j;
                    float pk = weightDecay == 0 ? p[k] : p[k] + decay * p[k];
                    float update = r * cRes[cb + j] * m[k] * lrF;
                    out[k] = pk + -update;
                }
            }
        }
        return out;
    }

    private float[] vectorStep(CameState s, float[] p, float[] g, double lr) {
        float b1 = (float) beta1, c1 = (float) (1 - beta1), b2 = (float) beta2, c2 = (float) (1 - beta2);
        float e1 = (float) eps1;
        float[] v = s.expAvgSq, m = s.expAvg;
        double sumSq = 0;
        for (int k = 0; k < g.length; k++) {
            float vk = v[k] * b2 + c2 * (g[k] * g[k] + e1);
            v[k] = vk;
            float u = (float) (1 / Math.sqrt(vk)) * g[k];
            sumSq += (double) u * u;
        }
        float clip = clipDivisor(sumSq, g.length);
        float decay = (float) (-weightDecay * lr), lrF = (float) lr;
        float[] out = new float[p.length];
        for (int k = 0; k < g.length; k++) {
            float u = (float) (1 / Math.sqrt(v[k])) * g[k] / clip;
            float mk = m[k] * b1 + c1 * u;
            m[k] = mk;
            float pk = weightDecay == 0 ? p[k] : p[k] + decay * p[k];
            out[k] = pk + -(mk * lrF);
        }
        return out;
    }

    /** max(1, RMS(U) / d), the divisor of CAME's update clipping. */
    private float clipDivisor(double sumSq, int n) {
        float rms = (float) Math.sqrt(sumSq) / (float) Math.sqrt(n); // tensor.norm(2) / numel ** 0.5, in f32
        return Math.max((float) (rms / clipThreshold), 1f);
    }

    @Override
    public OptimizerState state() {
        Map<String, Tensor> tensors = new HashMap<>();
        Map<String, Double> scalars = new HashMap<>();
        for (var e : state.entrySet()) e.getValue().save(e.getKey(), tensors, scalars);
        return new OptimizerState(NAME, tensors, scalars);
    }

    @Override
    public void restore(OptimizerState saved) {
        StateCodec.checkKind(NAME, saved);
        state.clear();
        for (String name : StateCodec.params(saved)) state.put(name, CameState.load(saved, name));
    }
}
