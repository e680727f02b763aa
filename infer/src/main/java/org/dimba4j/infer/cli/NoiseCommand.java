package org.dimba4j.infer.cli;

import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.random.TorchGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code dimba noise --seed S --shape 1,4,64,64 -o OUT.safetensors}: the tensor {@code noise} equal to
 * {@code torch.randn(shape, generator=torch.Generator().manual_seed(S))} in float32, bit for bit.
 */
@Command(name = "noise", mixinStandardHelpOptions = true,
        description = "Write torch.randn(shape, generator=torch.Generator().manual_seed(S)) as tensor 'noise'.")
public final class NoiseCommand implements Runnable {

    @Option(names = "--seed", required = true, converter = TorchSeedConverter.class, description = "torch.Generator().manual_seed value")
    long seed;

    @Option(names = "--shape", required = true, description = "comma-separated dims, e.g. 1,4,64,64")
    String shape;

    @Option(names = {"-o", "--output"}, required = true, description = "output .safetensors file")
    Path output;

    @Override
    public void run() {
        int[] dims = parseShape(shape);
        Tensor noise = new TorchGenerator(seed).randn(dims);
        SafetensorsWriter.write(output, Map.of("noise", noise), Map.of("seed", Long.toUnsignedString(seed),
                "generator", "torch.Generator().manual_seed(seed); torch.randn float32"));
        System.err.println("[dimba4j] wrote noise " + Arrays.toString(dims) + " (seed " + Long.toUnsignedString(seed) + ") to " + output);
    }

    static int[] parseShape(String s) {
        String[] parts = s.split(",");
        int[] dims = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) dims[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shape '" + s + "' must be comma-separated integers, e.g. 1,4,64,64");
        }
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("--shape '" + s + "': dimensions must not be negative");
        }
        long n = 1;
        for (int d : dims) n *= d;
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("--shape '" + s + "' has too many elements");
        return dims;
    }
}
