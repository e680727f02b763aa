package org.dimba4j.bench.vae;

import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.vae.AutoencoderKL;
import org.dimba4j.model.vae.VaeConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The Java side of {@code bench/vae-vs-diffusers.sh}: writes the synthetic f32 SDXL VAE (if missing) and one
 * [1, 4, H, W] latent to DIR as {@code latent.safetensors} (so diffusers decodes exactly the same input), then
 * answers each "decode" line on stdin with "SECONDS MEAN MEAN_ABS" of one untiled decode on the CPU backend.
 * The driver interleaves these requests with the same ones to a diffusers worker, so both see the same load.
 *
 * <p>Usage: VaeDecodeWorker DIR LATENT_SIZE (64 for a 512-px image).
 */
public final class VaeDecodeWorker {
    private VaeDecodeWorker() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) throw new IllegalArgumentException("usage: VaeDecodeWorker DIR LATENT_SIZE");
        Path dir = Path.of(args[0]);
        int size = Integer.parseInt(args[1]);
        DecodeBenchmarkMain.ensureWeights(dir, VaeConfig.sdxl(), DType.F32);
        Tensor z = DecodeBenchmarkMain.randomLatents(size, size);
        SafetensorsWriter.write(dir.resolve("latent.safetensors"), Map.of("latent", z), Map.of("format", "pt"));
        try (AutoencoderKL vae = AutoencoderKL.load(dir, Backends.select("cpu"))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            System.out.println("ready dimba4j-cpu");
            System.out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.trim().equals("decode")) continue;
                long t0 = System.nanoTime();
                float[] img = vae.decode(z).toFloatArray();
                double s = (System.nanoTime() - t0) / 1e9, sum = 0, abs = 0;
                for (float v : img) {
                    sum += v;
                    abs += Math.abs(v);
                }
                System.out.printf(Locale.ROOT, "%.4f %.6f %.6f%n", s, sum / img.length, abs / img.length);
                System.out.flush();
            }
        }
    }
}
