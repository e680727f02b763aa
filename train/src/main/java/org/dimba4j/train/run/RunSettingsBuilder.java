package org.dimba4j.train.run;

import java.util.List;

/**
 * Builds {@link RunSettings} by name. The defaults, in this one place, are the official
 * {@code configs/dimba_xl2_img512.py}: 1000 steps of batch 16, CAME at lr 2e-5 with no weight decay, 1000 warm-up
 * steps, gradient clipping at 0.05, caption dropout 0.1; a checkpoint every 500 steps, all kept; stage pretrain on the
 * {@code auto} device; the optimizer's own betas and eps; no EMA, no evals, no samples. {@code model} and {@code data} have no
 * default. {@link #build} checks every value ({@link RunSettings}'s constructor).
 */
public final class RunSettingsBuilder {
    private String model, data, optimizer = "came", stage = "pretrain", device = "auto", evalData, from, samplePrompts;
    private int steps = 1000, batch = 16, warmupSteps = 1000, saveEvery = 500, keepLast, evalEvery, patience, size, sampleEvery;
    private double lr = 2e-5, weightDecay, maxGradNorm = 0.05, captionDropout = 0.1, emaDecay, snrGamma, snrFloor;
    private long seed;
    private boolean trainTextEncoder;
    private List<Double> betas, eps;

    RunSettingsBuilder() {}

    RunSettingsBuilder(RunSettings s) {
        model = s.model();
        data = s.data();
        steps = s.steps();
        batch = s.batch();
        lr = s.lr();
        warmupSteps = s.warmupSteps();
        weightDecay = s.weightDecay();
        maxGradNorm = s.maxGradNorm();
        captionDropout = s.captionDropout();
        seed = s.seed();
        saveEvery = s.saveEvery();
        keepLast = s.keepLast();
        optimizer = s.optimizer();
        stage = s.stage();
        device = s.device();
        betas = s.betas();
        eps = s.eps();
        emaDecay = s.emaDecay();
        evalEvery = s.evalEvery();
        evalData = s.evalData();
        patience = s.patience();
        from = s.from();
        size = s.size();
        sampleEvery = s.sampleEvery();
        samplePrompts = s.samplePrompts();
        snrGamma = s.snrGamma();
        snrFloor = s.snrFloor();
        trainTextEncoder = s.trainTextEncoder();
    }

    public RunSettingsBuilder model(String v) { model = v; return this; }
    public RunSettingsBuilder data(String v) { data = v; return this; }
    public RunSettingsBuilder steps(int v) { steps = v; return this; }
    public RunSettingsBuilder batch(int v) { batch = v; return this; }
    public RunSettingsBuilder lr(double v) { lr = v; return this; }
    public RunSettingsBuilder warmupSteps(int v) { warmupSteps = v; return this; }
    public RunSettingsBuilder weightDecay(double v) { weightDecay = v; return this; }
    public RunSettingsBuilder maxGradNorm(double v) { maxGradNorm = v; return this; }
    public RunSettingsBuilder captionDropout(double v) { captionDropout = v; return this; }
    public RunSettingsBuilder seed(long v) { seed = v; return this; }
    public RunSettingsBuilder saveEvery(int v) { saveEvery = v; return this; }
    public RunSettingsBuilder keepLast(int v) { keepLast = v; return this; }
    public RunSettingsBuilder optimizer(String v) { optimizer = v; return this; }
    public RunSettingsBuilder stage(String v) { stage = v; return this; }
    public RunSettingsBuilder device(String v) { device = v; return this; }
    /** null: the optimizer's default (CAME 3 betas, AdamW 2). */
    public RunSettingsBuilder betas(List<Double> v) { betas = v; return this; }
    /** null: the optimizer's default (CAME 2 eps, AdamW 1). */
    public RunSettingsBuilder eps(List<Double> v) { eps = v; return this; }
    public RunSettingsBuilder emaDecay(double v) { emaDecay = v; return this; }
    public RunSettingsBuilder evalEvery(int v) { evalEvery = v; return this; }
    public RunSettingsBuilder evalData(String v) { evalData = v; return this; }
    public RunSettingsBuilder patience(int v) { patience = v; return this; }
    /** {@code --stage adapt-resolution}: the model folder adapted. */
    public RunSettingsBuilder from(String v) { from = v; return this; }
    /** {@code --stage adapt-resolution}: the new image size in pixels. */
    public RunSettingsBuilder size(int v) { size = v; return this; }

    /** Samples every this many steps and at the end, 0 for none. */
    public RunSettingsBuilder sampleEvery(int v) { sampleEvery = v; return this; }
    /** The sample prompts' file, one a line; null for the official validation prompts. */
    public RunSettingsBuilder samplePrompts(String v) { samplePrompts = v; return this; }

    /** The cap of the mse's SNR weighting (Min-SNR-gamma); 0 (the default) for none. */
    public RunSettingsBuilder snrGamma(double v) { snrGamma = v; return this; }
    /** The floor of the mse's SNR weighting (truncated SNR); 0 (the default) for none. */
    public RunSettingsBuilder snrFloor(double v) { snrFloor = v; return this; }
    public RunSettingsBuilder trainTextEncoder(boolean v) { trainTextEncoder = v; return this; }

    public RunSettings build() {
        if (model == null || data == null) throw new IllegalArgumentException("a run needs a model folder and data");
        return new RunSettings(model, data, steps, batch, lr, warmupSteps, weightDecay, maxGradNorm, captionDropout, seed,
                saveEvery, keepLast, optimizer, stage, device, betas, eps, emaDecay, evalEvery, evalData, patience, from,
                size, sampleEvery, samplePrompts, snrGamma, snrFloor, trainTextEncoder);
    }
}
