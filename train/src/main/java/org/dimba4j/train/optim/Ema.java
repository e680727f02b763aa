package org.dimba4j.train.optim;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of the weights, as PixArt's {@code update_ema} (which the official Dimba checkpoints
 * as {@code state_dict_ema}; its train.py never updates it, so using one is our choice):
 * {@code ema.mul_(decay).add_(param, alpha=1 - decay)} in f32, one fused pass per tensor. The averages live on the
 * host; parameters of another backend are downloaded once per update.
 */
public final class Ema {
    /** PixArt's default rate. */
    public static final double DEFAULT_DECAY = 0.9999;

    private final Backend be;
    private final double decay;
    private final Map<String, Tensor> average = new LinkedHashMap<>();
    private long updates;

    /** Starts at a copy of {@code params} (PixArt copies the model into the EMA before training). */
    public Ema(Backend be, double decay, Map<String, Tensor> params) {
        if (!(decay >= 0 && decay <= 1)) throw new IllegalArgumentException("EMA decay must lie in [0, 1], got " + decay);
        this.be = be;
        this.decay = decay;
        for (var e : params.entrySet()) {
            average.put(e.getKey(), Tensor.of(HostTensors.read(be, e.getValue()).clone(), e.getValue().shape()));
        }
    }

    public double decay() {
        return decay;
    }

    public long updates() {
        return updates;
    }

    /** One update towards {@code params}, which must hold every averaged name with its shape. */
    public void update(Map<String, Tensor> params) {
        float d = (float) decay, a = (float) (1 - decay);
        for (var e : average.entrySet()) {
            Tensor p = params.get(e.getKey());
            if (p == null) throw new IllegalArgumentException("EMA update: no parameter " + e.getKey());
            if (!Arrays.equals(p.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("EMA update: " + e.getKey() + " is " + p + ", its average "
                        + e.getValue());
            }
            float[] x = HostTensors.read(be, p), m = e.getValue().floats();
            for (int i = 0; i < m.length; i++) m[i] = m[i] * d + a * x[i];
        }
        updates++;
    }

    /** Copies of the averaged weights (host f32), by name. */
    public Map<String, Tensor> weights() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : average.entrySet()) out.put(e.getKey(), Tensor.of(e.getValue().floats().clone(), e.getValue().shape()));
        return out;
    }

    /** For a checkpoint: tensors {@code ema.<name>}, scalars {@code decay} and {@code updates}. */
    public OptimizerState state() {
        Map<String, Tensor> tensors = new HashMap<>();
        for (var e : weights().entrySet()) tensors.put("ema." + e.getKey(), e.getValue());
        return new OptimizerState("ema", tensors, Map.of("decay", decay, "updates", (double) updates));
    }

    /** Puts back a {@link #state()} of an EMA over the same names and decay. */
    public void restore(OptimizerState saved) {
        StateCodec.checkKind("ema", saved);
        Double savedDecay = saved.scalars().get("decay");
        if (savedDecay == null || savedDecay != decay) {
            throw new IllegalArgumentException("EMA state has decay " + savedDecay + ", this EMA " + decay);
        }
        for (var e : average.entrySet()) {
            Tensor t = saved.tensors().get("ema." + e.getKey());
            if (t == null) throw new IllegalArgumentException("EMA state: missing tensor ema." + e.getKey());
            if (!Arrays.equals(t.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("EMA state: ema." + e.getKey() + " is " + t + ", expected " + e.getValue());
            }
            System.arraycopy(t.toFloatArray(), 0, e.getValue().floats(), 0, Math.toIntExact(t.numel()));
        }
        updates = saved.scalars().getOrDefault("updates", 0.0).longValue();
    }
}
