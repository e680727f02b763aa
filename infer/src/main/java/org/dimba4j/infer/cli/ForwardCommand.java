package org.dimba4j.infer.cli;

import org.dimba4j.infer.parity.ComponentForward;
import org.dimba4j.infer.parity.ForwardComponent;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code dimba forward COMPONENT --model DIR --inputs IN.safetensors -o OUT.safetensors}: one component on named tensors. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Run one component of a model folder on named tensors, to compare with a",
                "reference implementation. Ids and masks are I64, everything else F32:",
                "  text_encoder  input_ids, attention_mask [B,L] -> last_hidden_state [B,L,D]",
                "  vae.encode    sample [B,3,H,W] in [-1,1] -> mean, logvar [B,4,H/8,W/8]",
                "  vae.decode    latents [B,4,h,w] (unscaled) -> sample [B,3,8h,8w]",
                "  transformer   x [B,4,h,w], timestep [B], y [B,1,L,C], mask [B,L] (optional)",
                "                -> out [B,out_channels,h,w]"})
public final class ForwardCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "COMPONENT", description = "text_encoder, vae.encode, vae.decode or transformer")
    String component;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder")
    Path model;

    @Option(names = "--inputs", required = true, paramLabel = "IN.safetensors", description = "named input tensors")
    Path inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.safetensors", description = "where to write the outputs")
    Path output;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|opencl|auto", description = "compute device (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() {
        ForwardComponent c = ForwardComponent.parse(component);
        long t0 = System.nanoTime();
        Map<String, Tensor> result;
        try (SafetensorsFile in = SafetensorsFile.open(inputs); Backend be = Backends.select(device)) {
            Map<String, Tensor> named = new LinkedHashMap<>();
            for (String n : in.names()) named.put(n, in.get(n));
            result = ComponentForward.run(c, model, named, inputs.toString(), be);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("component", c.cliName());
        meta.put("model", model.toString());
        meta.put("device", device);
        SafetensorsWriter.write(output, result, meta);
        for (var e : result.entrySet()) {
            System.err.printf("[dimba4j] %s: %s %s%n", c.cliName(), e.getKey(), Arrays.toString(e.getValue().shape()));
        }
        System.err.printf("[dimba4j] forward %s in %.2f s -> %s%n", c.cliName(), secs, output);
        return 0;
    }
}
