package org.dimba4j.train;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaKeys;
import org.dimba4j.train.autograd.Gradients;
import org.dimba4j.train.autograd.TapeBackend;
import org.dimba4j.train.objective.LearnedSigmaLoss;
import org.dimba4j.train.optim.Optimizer;
import org.dimba4j.train.text.TrainedTextEncoder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One optimisation step of the Dimba denoiser, as the official training loop does it (without its gradient clipping
 * and caption dropout): q_sample, forward, the loss, backward, an {@link Optimizer} step (CAME or AdamW) at a constant
 * learning rate unless {@link #step(Tensor, int[], Tensor, Tensor, Tensor, double)} is given one. With learn_sigma
 * (and pred_sigma) the loss is the official mse + vb ({@link LearnedSigmaLoss}, on the host: the output goes down once
 * and its gradient up once), otherwise the epsilon MSE on the backend. Parameters and activations live on one
 * backend; the model is rebuilt over the updated parameters for every step
 * (building it only looks tensors up).
 */
public final class DimbaTrainer {
    /**
     * Tensors of the state dict that are buffers, not parameters, in the official model: the fixed position table and
     * the null caption (a registered buffer in PixArt's CaptionEmbedder). The optimizer never touches them.
     */
    public static final Set<String> BUFFERS = Set.of(DimbaKeys.POS_EMBED, "y_embedder.y_embedding");

    /**
     * What one step produced: the loss [1] (batch mean of mse + vb), the per-sample terms {@code mse} [B] and
     * {@code vb} [B] (null without learned sigma) on the host, and the gradients by parameter name on the trainer's
     * backend.
     */
    public record Step(Tensor loss, float[] mse, float[] vb, Map<String, Tensor> gradients) {}

    private final DimbaConfig config;
    private final Backend be;
    private final EpsilonMseLoss loss;
    private final Optimizer optimizer;
    private final double lr;
    private final LearnedSigmaLoss learnedSigma;
    private Parameters parameters;
    private boolean gradCheckpointing;

    public DimbaTrainer(DimbaConfig config, Parameters parameters, Backend be, EpsilonMseLoss loss, Optimizer optimizer,
                        double lr) {
        this.config = config;
        this.parameters = parameters;
        this.be = be;
        this.loss = loss;
        this.optimizer = optimizer;
        this.lr = lr;
        this.learnedSigma = LearnedSigmaLoss.dimba().withWeighting(loss.weighting());
    }

    /** The current parameters (the updated ones after each {@link #step}). */
    public Parameters parameters() {
        return parameters;
    }

    /** Names of the tensors the optimizer trains, in state-dict order. */
    public java.util.List<String> trainable() {
        return parameters.names().stream().filter(n -> !BUFFERS.contains(n)).toList();
    }

    /**
     * The loss and gradients at the current parameters, without updating them.
     *
     * @param x0    clean latents [B, C, H, W] (scaled as the model expects)
     * @param t     integer timesteps, one per sample
     * @param noise the epsilon target, like x0
     * @param y     caption features [B, 1, L, caption_channels]
     * @param mask  caption mask [B, L] or null
     */
    public Step gradients(Tensor x0, int[] t, Tensor noise, Tensor y, Tensor mask) {
        return gradients(x0, t, noise, tape -> y, mask);
    }

    /**
     * {@link #gradients(Tensor, int[], Tensor, Tensor, Tensor)} with the captions given as token ids [B, L], encoded on
     * the tape by {@code textEncoder} over the parameters' {@code text_encoder.*} tensors, which then get gradients
     * too; {@code drops} (or null) are the samples whose features the null caption {@code y_embedder.y_embedding}
     * replaces (caption dropout).
     */
    public Step gradients(Tensor x0, int[] t, Tensor noise, TrainedTextEncoder textEncoder, Tensor inputIds, Tensor mask,
                          boolean[] drops) {
        return gradients(x0, t, noise, tape -> textEncoder.encode(tape, parameters, inputIds, mask, drops,
                parameters.get("y_embedder.y_embedding")), mask);
    }

    private Step gradients(Tensor x0, int[] t, Tensor noise, java.util.function.Function<TapeBackend, Tensor> captions,
                           Tensor mask) {
        TapeBackend tape = new TapeBackend(be);
        for (String name : trainable()) tape.watch(parameters.get(name));
        Tensor y = captions.apply(tape);
        Dimba model = model(tape);
        Tensor eps = be.upload(noise);
        Tensor xt = loss.qSample(be, be.upload(x0), t, eps);
        Tensor out = model.forward(xt, EpsilonMseLoss.timesteps(t), y, mask);
        Tensor l;
        float[] mse = null, vb = null;
        Gradients g;
        if (config.learnSigma() && config.predSigma()) {
            // the official objective with the vb term: a host head with its derivative written out, seeding the tape
            LearnedSigmaLoss.Terms terms = learnedSigma.evaluate(be.download(out), x0, be.download(xt), noise, t);
            l = Tensor.of(new float[] {(float) terms.loss()}, 1);
            mse = floats(terms.mse());
            vb = floats(terms.vb());
            g = tape.backward(out, terms.dOut());
        } else {
            l = loss.mse(tape, out, eps, t);
            g = tape.backward(l);
        }
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (String name : trainable()) {
            Tensor gi = g.get(parameters.get(name));
            if (gi != null) grads.put(name, gi);
        }
        return new Step(l, mse, vb, grads);
    }

    /**
     * Gradient checkpointing per Dimba block (a DimbaBlock and its Mamba layer): the forward keeps only each block's
     * inputs and the backward recomputes the block; the same gradients, bit for bit, for less memory and one more
     * forward. Off by default. Returns this trainer.
     */
    public DimbaTrainer withGradCheckpointing(boolean on) {
        gradCheckpointing = on;
        return this;
    }

    /** The model at the current parameters on {@code tape}, its blocks checkpointed if {@link #withGradCheckpointing}. */
    public Dimba model(TapeBackend tape) {
        Dimba model = Dimba.of(config, TrainedTextEncoder.transformerOf(parameters), tape);
        return gradCheckpointing ? model.withBlockRunner((name, be, block, in) -> tape.checkpoint(name, block::apply, in)) : model;
    }

    /** {@link #gradients}, then one optimizer step at the trainer's learning rate. */
    public Step step(Tensor x0, int[] t, Tensor noise, Tensor y, Tensor mask) {
        return step(x0, t, noise, y, mask, lr);
    }

    /** {@link #gradients}, then one optimizer step at {@code lr} over the parameters that received a gradient. */
    public Step step(Tensor x0, int[] t, Tensor noise, Tensor y, Tensor mask, double lr) {
        Step s = gradients(x0, t, noise, y, mask);
        Map<String, Tensor> current = new LinkedHashMap<>();
        for (String name : s.gradients().keySet()) current.put(name, parameters.get(name));
        parameters = parameters.with(optimizer.step(current, s.gradients(), lr));
        return s;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
