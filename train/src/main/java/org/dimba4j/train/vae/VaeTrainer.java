package org.dimba4j.train.vae;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.vae.AutoencoderKL;
import org.dimba4j.model.vae.DiagonalGaussian;
import org.dimba4j.model.vae.VaeConfig;
import org.dimba4j.train.Parameters;
import org.dimba4j.train.autograd.Gradients;
import org.dimba4j.train.autograd.TapeBackend;
import org.dimba4j.train.optim.Optimizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One VAE training step: encode, draw z = mean + std * noise (the reparameterisation), decode, {@link VaeLoss},
 * backward through the tape, an optimizer step over every tensor. The model is the same {@link AutoencoderKL} that
 * loads diffusers checkpoints, built over the current {@link Parameters}.
 */
public final class VaeTrainer {
    private final VaeConfig config;
    private final Backend be;
    private final VaeLoss loss;
    private final Optimizer optimizer;
    private Parameters parameters;

    /** Loss terms of one step, as host numbers. */
    public record Step(double loss, double reconstruction, double kl) {}

    public VaeTrainer(VaeConfig config, Parameters parameters, Backend be, VaeLoss loss, Optimizer optimizer) {
        this.config = config;
        this.parameters = parameters;
        this.be = be;
        this.loss = loss;
        this.optimizer = optimizer;
    }

    public Parameters parameters() {
        return parameters;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The loss and the gradient of every tensor at the current parameters, without updating them. */
    public Map.Entry<Step, Map<String, Tensor>> gradients(Tensor images, Tensor noise) {
        TapeBackend tape = new TapeBackend(be);
        for (String name : parameters.names()) tape.watch(parameters.get(name));
        AutoencoderKL vae = AutoencoderKL.of(config, parameters, tape);
        Tensor x = be.upload(images);
        DiagonalGaussian q = vae.posteriorOnBackend(x);
        Tensor z = q.sample(tape, be.upload(noise));
        VaeLoss.Terms terms = loss.evaluate(tape, vae.decodeOnBackend(z), x, q);
        Step step = new Step(scalar(terms.loss()), scalar(terms.reconstruction()), scalar(terms.kl()));
        Gradients g = tape.backward(terms.loss());
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (String name : parameters.names()) {
            Tensor gi = g.get(parameters.get(name));
            if (gi != null) grads.put(name, gi);
        }
        return Map.entry(step, grads);
    }

    /** {@link #gradients}, then one optimizer step at {@code lr}. */
    public Step step(Tensor images, Tensor noise, double lr) {
        var r = gradients(images, noise);
        Map<String, Tensor> current = new LinkedHashMap<>();
        for (String name : r.getValue().keySet()) current.put(name, parameters.get(name));
        parameters = parameters.with(optimizer.step(current, r.getValue(), lr));
        return r.getKey();
    }

    private double scalar(Tensor t) {
        return be.download(t).getFlat(0);
    }
}
