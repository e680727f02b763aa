package org.dimba4j.train.optim;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AdamW with the semantics of {@code torch.optim.AdamW} (amsgrad off, its single-tensor CPU path), fused: one pass
 * per parameter reads p, g and both moments once and writes them once, in the f32 operation order of PyTorch:
 * <pre>
 *   p  = p * (1 - lr wd)                                   decoupled weight decay
 *   m  = m + (1 - beta1)(g - m);  v = beta2 v + (1 - beta2) g g
 *   p  = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * Each parameter counts its own steps; a parameter without a gradient is left as it is (PyTorch skips it). The moments
 * live on the host; tensors of another backend are downloaded and uploaded once per step.
 */
public final class AdamW implements Optimizer {
    public static final String NAME = "adamw";

    private static final class Moments {
        final int[] shape;
        final float[] expAvg, expAvgSq;
        int step;

        Moments(int[] shape, int n) {
            this.shape = shape.clone();
            expAvg = new float[n];
            expAvgSq = new float[n];
        }
    }

    private final Backend be;
    private final double beta1, beta2, eps, weightDecay; // doubles, as PyTorch's Python floats
    /** Per parameter name; concurrent because the tensors of one step are updated in parallel. */
    private final Map<String, Moments> state = new ConcurrentHashMap<>();

    /** @param be the backend of the parameters (null: host tensors only) */
    public AdamW(Backend be, double beta1, double beta2, double eps, double weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW: invalid hyper-parameters betas (" + beta1 + ", " + beta2
                    + "), eps " + eps + ", weight decay " + weightDecay);
        }
        this.be = be;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** torch.optim.AdamW's defaults (betas 0.9, 0.999, eps 1e-8) with the given weight decay. */
    public static AdamW of(Backend be, double weightDecay) {
        return new AdamW(be, 0.9, 0.999, 1e-8, weightDecay);
    }

    static AdamW of(Backend be, OptimizerSettings s) {
        double[] b = s.betasOr("AdamW", new double[] {0.9, 0.999});
        double[] e = s.epsOr("AdamW", new double[] {1e-8});
        return new AdamW(be, b[0], b[1], e[0], s.weightDecayOr(0.01));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Tensor step(String name, Tensor param, Tensor grad, double lr) {
        HostTensors.checkShapes("AdamW", name, param, grad);
        float[] p = HostTensors.read(be, param), g = HostTensors.read(be, grad);
        Moments s = state.computeIfAbsent(name, k -> new Moments(param.shape(), p.length));
        if (!java.util.Arrays.equals(s.shape, param.shape())) {
            throw new IllegalArgumentException("AdamW: " + name + " is " + param + ", its moments were made for "
                    + java.util.Arrays.toString(s.shape));
        }
        int t = ++s.step;
        float decay = (float) (1.0 - lr * weightDecay);
        float w = (float) (1.0 - beta1), b2 = (float) beta2, c2 = (float) (1.0 - beta2);
        double biasCorrection1 = 1.0 - Math.pow(beta1, t);
        float stepSize = (float) (lr / biasCorrection1);
        float biasCorrection2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, t));
        float e = (float) eps;
        float[] m = s.expAvg, v = s.expAvgSq, out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            float pi = weightDecay == 0 ? p[i] : p[i] * decay;
            float mi = m[i] + w * (gi - m[i]);                 // exp_avg.lerp_(grad, 1 - beta1), weight < 0.5 branch
            float vi = v[i] * b2 + c2 * gi * gi;               // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
            float denom = (float) Math.sqrt(vi) / biasCorrection2Sqrt + e;
            out[i] = pi - stepSize * (mi / denom);             // param.addcdiv_(exp_avg, denom, -step_size)
            m[i] = mi;
            v[i] = vi;
        }
        return HostTensors.write(be, param, out);
    }

    @Override
    public OptimizerState state() {
        Map<String, Tensor> tensors = new HashMap<>();
        Map<String, Double> scalars = new HashMap<>();
        for (var e : state.entrySet()) {
            Moments s = e.getValue();
            tensors.put("exp_avg." + e.getKey(), Tensor.of(s.expAvg.clone(), s.shape));
            tensors.put("exp_avg_sq." + e.getKey(), Tensor.of(s.expAvgSq.clone(), s.shape));
            scalars.put("step." + e.getKey(), (double) s.step);
        }
        return new OptimizerState(NAME, tensors, scalars);
    }

    @Override
    public void restore(OptimizerState saved) {
        StateCodec.checkKind(NAME, saved);
        state.clear();
        for (String name : StateCodec.params(saved)) {
            Tensor mt = saved.tensors().get("exp_avg." + name);
            if (mt == null) throw new IllegalArgumentException("adamw state: missing tensor exp_avg." + name);
            float[] m = mt.toFloatArray(), v = StateCodec.tensor(saved, "exp_avg_sq." + name);
            if (m.length != v.length) throw new IllegalArgumentException("adamw state of " + name + ": exp_avg has "
                    + m.length + " elements, exp_avg_sq " + v.length);
            Moments s = new Moments(mt.shape(), m.length);
            System.arraycopy(m, 0, s.expAvg, 0, m.length);
            System.arraycopy(v, 0, s.expAvgSq, 0, v.length);
            s.step = StateCodec.step(saved, name);
            state.put(name, s);
        }
    }

    /** The first moment of a parameter (null before its first step), for tests. */
    public float[] firstMoment(String name) {
        Moments s = state.get(name);
        return s == null ? null : s.expAvg.clone();
    }
}
