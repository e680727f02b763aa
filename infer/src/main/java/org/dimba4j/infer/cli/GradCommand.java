package org.dimba4j.infer.cli;

import org.dimba4j.infer.parity.InputContract;
import org.dimba4j.infer.parity.TensorSpec;
import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.train.optim.AdamW;
import org.dimba4j.train.DimbaTrainer;
import org.dimba4j.train.EpsilonMseLoss;
import org.dimba4j.train.Parameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dimba grad transformer --model DIR --inputs IN.safetensors -o OUT.safetensors}: the official training
 * objective of the transformer and its gradient in every trainable tensor, for checking against the official code.
 * No caption dropout, no clipping, no update.
 */
@Command(name = "grad", mixinStandardHelpOptions = true,
        description = {"The official training loss of the transformer and its gradients, on named tensors",
                "(training_losses of IDDPM(learn_sigma=True, pred_sigma=True); no caption dropout,",
                "no clipping, no update). t and mask are I64, everything else F32:",
                "  transformer   x_start [B,4,h,w] (latents times the VAE scaling factor), t [B] (0..999),",
                "                noise [B,4,h,w], y [B,1,L,C], mask [B,L] (optional)",
                "                -> loss [1] (batch mean of mse + vb), mse [B], vb [B] (with learn_sigma),",
                "                   grad.<name> for every trainable tensor"})
public final class GradCommand implements Callable<Integer> {

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "COMPONENT", description = "transformer (the only one trained)")
    String component;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder (holding transformer/)")
    Path model;

    @Option(names = "--inputs", required = true, paramLabel = "IN.safetensors", description = "named input tensors")
    Path inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.safetensors", description = "where to write the outputs")
    Path output;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|opencl|auto", description = "compute device (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() {
        if (!"transformer".equals(component)) {
            throw new IllegalArgumentException("unknown component '" + component + "' for grad (expected transformer)");
        }
        Path dir = model.resolve("transformer");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model folder " + model + " has no transformer/ (needed by grad transformer)");
        }
        DimbaConfig cfg = DimbaConfig.load(dir.resolve("config.json"));
        long t0 = System.nanoTime();
        Map<String, Tensor> result = new LinkedHashMap<>();
        try (SafetensorsFile in = SafetensorsFile.open(inputs); Backend be = Backends.select(device);
             TensorSource weights = Checkpoints.open(dir)) {
            Map<String, Tensor> named = new LinkedHashMap<>();
            for (String n : in.names()) named.put(n, in.get(n));
            new InputContract("grad transformer", specs(cfg.patchSize()),
                    Map.of("Cin", cfg.inChannels(), "C", cfg.captionChannels())).check(named, inputs.toString());
            int[] t = timesteps(named.get("t"));
            Tensor mask = named.containsKey("mask") ? Tensor.ofLongs(named.get("mask").toLongArray(), named.get("mask").shape()) : null;
            // the optimizer is never stepped: gradients() only evaluates
            DimbaTrainer trainer = new DimbaTrainer(cfg, Parameters.copyOf(weights, be), be, EpsilonMseLoss.dimba(),
                    AdamW.of(be, 0), 0);
            DimbaTrainer.Step step = trainer.gradients(floats(named.get("x_start")), t, floats(named.get("noise")),
                    floats(named.get("y")), mask);
            result.put("loss", host(be, step.loss()).reshape(1));
            if (step.mse() != null) result.put("mse", Tensor.of(step.mse(), t.length));
            if (step.vb() != null) result.put("vb", Tensor.of(step.vb(), t.length));
            for (String name : trainer.trainable()) {
                Tensor g = step.gradients().get(name);
                if (g == null) throw new IllegalStateException("the trainable tensor " + name + " got no gradient");
                result.put("grad." + name, host(be, g));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("component", "transformer");
        meta.put("model", model.toString());
        meta.put("device", device);
        meta.put("objective", cfg.learnSigma() && cfg.predSigma() ? "mse+vb (learned sigma)" : "mse");
        SafetensorsWriter.write(output, result, meta);
        System.err.printf("[dimba4j] grad transformer: loss %.7f, %d gradients in %.2f s -> %s%n",
                result.get("loss").getFlat(0), result.size() - (result.containsKey("vb") ? 3 : 1),
                (System.nanoTime() - t0) / 1e9, output);
        return 0;
    }

    /** The inputs of the command-line contract; h and w must divide by the patch size. */
    static List<TensorSpec> specs(int patch) {
        return List.of(TensorSpec.floats("x_start", "B", "Cin", "h", "w").divisible(2, patch).divisible(3, patch),
                TensorSpec.longs("t", "B"),
                TensorSpec.floats("noise", "B", "Cin", "h", "w"),
                TensorSpec.floats("y", "B", "1", "L", "C"),
                TensorSpec.longs("mask", "B", "L").asOptional());
    }

    private static int[] timesteps(Tensor t) {
        long[] l = t.toLongArray();
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < 0 || l[i] > 999) {
                throw new IllegalArgumentException("input tensor 't' holds " + l[i] + " at " + i
                        + ": timesteps must lie in 0..999");
            }
            r[i] = (int) l[i];
        }
        return r;
    }

    /** A host f32 copy with its own array (the inputs file is closed after the run). */
    private static Tensor floats(Tensor t) {
        return Tensor.of(t.toFloatArray(), t.shape());
    }

    private static Tensor host(Backend be, Tensor t) {
        return t.isHostF32Array() ? t : be.download(t);
    }
}
