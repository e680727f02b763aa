package org.dimba4j.infer.cli;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.train.optim.GradientClipping;
import org.dimba4j.train.optim.Optimizer;
import org.dimba4j.train.optim.OptimizerSettings;
import org.dimba4j.train.optim.Optimizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dimba optimizer-steps --optimizer came|adamw --params P --grads G --lr LR [...] -o OUT}: K optimizer steps
 * on the named F32 tensors of P, with the gradients {@code step<k>.<name>} of G (K inferred), each step's gradients
 * clipped first by their total L2 norm with {@code --max-grad-norm}; OUT holds every name after the K steps.
 */
@Command(name = "optimizer-steps", mixinStandardHelpOptions = true,
        description = "Run K CAME or AdamW steps on named tensors (gradients step<k>.<name>) and write the result.")
public final class OptimizerStepsCommand implements Runnable {
    private static final Pattern STEP_KEY = Pattern.compile("step(\\d+)\\.(.+)");

    @Option(names = "--optimizer", required = true, description = "came or adamw")
    String optimizer;

    @Option(names = "--params", required = true, description = "starting tensors (F32 safetensors)")
    Path params;

    @Option(names = "--grads", required = true, description = "gradients step<k>.<name> for k = 0..K-1 (safetensors)")
    Path grads;

    @Option(names = "--lr", required = true, description = "learning rate")
    double lr;

    @Option(names = "--weight-decay", description = "weight decay (default: CAME 0, AdamW 0.01)")
    Double weightDecay;

    @Option(names = "--betas", description = "B1,B2 (AdamW) or B1,B2,B3 (CAME)")
    String betas;

    @Option(names = "--eps", description = "E (AdamW) or E1,E2 (CAME)")
    String eps;

    @Option(names = "--max-grad-norm", description = "clip each step's gradients by their total L2 norm first")
    Double maxGradNorm;

    @Option(names = {"-o", "--output"}, required = true, description = "output .safetensors file")
    Path output;

    @Override
    public void run() {
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be a positive number, got " + lr);
        if (maxGradNorm != null && !(maxGradNorm > 0)) {
            throw new IllegalArgumentException("--max-grad-norm must be > 0, got " + maxGradNorm);
        }
        OptimizerSettings settings = new OptimizerSettings(weightDecay == null ? Double.NaN : weightDecay,
                doubles("--betas", betas), doubles("--eps", eps));
        Optimizer opt = Optimizers.create(optimizer, settings);
        try (SafetensorsFile p = SafetensorsFile.open(params); SafetensorsFile g = SafetensorsFile.open(grads)) {
            Map<String, Tensor> current = new LinkedHashMap<>();
            for (String name : new TreeSet<>(p.names())) current.put(name, f32(params, name, p.get(name)));
            int steps = stepCount(g, current.keySet());
            for (int k = 0; k < steps; k++) {
                Map<String, Tensor> gk = new LinkedHashMap<>();
                for (String name : current.keySet()) {
                    String key = "step" + k + "." + name;
                    if (!g.names().contains(key)) throw new IllegalArgumentException(grads + ": missing gradient " + key);
                    Tensor t = f32(grads, key, g.get(key));
                    if (!Arrays.equals(t.shape(), current.get(name).shape())) {
                        throw new IllegalArgumentException(grads + ": " + key + " is " + Arrays.toString(t.shape())
                                + ", the parameter " + name + " is " + Arrays.toString(current.get(name).shape()));
                    }
                    gk.put(name, t);
                }
                if (maxGradNorm != null) gk = GradientClipping.clip(null, gk, maxGradNorm).gradients();
                current.putAll(opt.step(current, gk, lr));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("optimizer", opt.name());
            meta.put("steps", Integer.toString(steps));
            meta.put("lr", Double.toString(lr));
            if (maxGradNorm != null) meta.put("max_grad_norm", Double.toString(maxGradNorm));
            SafetensorsWriter.write(output, current, meta);
            System.err.println("[dimba4j] " + opt.name() + ": " + steps + " steps on " + current.size()
                    + " tensors, wrote " + output);
        }
    }

    /** K: one more than the largest k of the {@code step<k>.<name>} keys; every key must name a parameter. */
    static int stepCount(SafetensorsFile g, java.util.Set<String> names) {
        int steps = 0;
        for (String key : g.names()) {
            Matcher m = STEP_KEY.matcher(key);
            if (!m.matches()) throw new IllegalArgumentException("gradient tensor " + key + " is not named step<k>.<name>");
            if (!names.contains(m.group(2))) {
                throw new IllegalArgumentException("gradient tensor " + key + " names " + m.group(2) + ", which --params lacks");
            }
            steps = Math.max(steps, Math.toIntExact(Long.parseLong(m.group(1))) + 1);
        }
        if (steps == 0) throw new IllegalArgumentException("--grads holds no step<k>.<name> tensor");
        return steps;
    }

    private static Tensor f32(Path file, String name, Tensor t) {
        if (t.dtype() != DType.F32) throw new IllegalArgumentException(file + ": " + name + " is " + t.dtype() + ", expected F32");
        return t.toF32();
    }

    static double[] doubles(String option, String csv) {
        if (csv == null) return null;
        String[] parts = csv.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " '" + csv + "' must be comma-separated numbers");
            }
        }
        return out;
    }
}
