package org.dimba4j.bench.vae;

import org.dimba4j.bench.ProcStatus;
import org.dimba4j.io.image.GenerationParameters;
import org.dimba4j.io.image.Png;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.dimba4j.model.vae.AutoencoderKL;
import org.dimba4j.model.vae.SyntheticVaeWeights;
import org.dimba4j.model.vae.VaeConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Manual benchmark (not a test): decodes one latent with the real SDXL VAE shapes and synthetic weights, and
 * reports wall time and peak resident memory (VmHWM). The weights are written once, memory-mapped like a real
 * checkpoint, to a folder outside the repository. Run through bench/vae-decode-1024.sh.
 *
 * <pre>
 * DecodeBenchmarkMain [--dir /work/tmp-vae/sdxl-synthetic-f32] [--dtype f32|f16] [--latent 128[x128]]
 *                     [--tile 512 | --tile 0 (untiled)] [--device cpu|reference] [--png out.png]
 * </pre>
 * stdout: one line, "vae-decode latent=HxW image=HxW tile=T dtype=D device=X load_s=.. decode_s=.. peak_rss_mib=..".
 */
public final class DecodeBenchmarkMain {
    private DecodeBenchmarkMain() {}

    public static void main(String[] args) throws IOException {
        Path dir = null;
        String dtype = "f32", device = "cpu";
        int latentH = 128, latentW = 128, tile = 512;
        Path png = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--dir" -> dir = Path.of(v);
                case "--dtype" -> dtype = v.toLowerCase(Locale.ROOT);
                case "--latent" -> {
                    String[] hw = v.toLowerCase(Locale.ROOT).split("x");
                    latentH = Integer.parseInt(hw[0]);
                    latentW = Integer.parseInt(hw.length > 1 ? hw[1] : hw[0]);
                }
                case "--tile" -> tile = Integer.parseInt(v);
                case "--device" -> device = v;
                case "--png" -> png = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a
                        + " (expected --dir, --dtype, --latent, --tile, --device, --png)");
            }
        }
        if (!dtype.equals("f32") && !dtype.equals("f16")) throw new IllegalArgumentException("--dtype " + dtype + ": expected f32 or f16");
        if (dir == null) dir = Path.of("/work/tmp-vae/sdxl-synthetic-" + dtype);
        VaeConfig config = VaeConfig.sdxl();
        ensureWeights(dir, config, dtype.equals("f16") ? DType.F16 : DType.F32);

        Backend backend = device.equals("reference") ? new ReferenceBackend() : Backends.select(device);
        long t0 = System.nanoTime();
        try (AutoencoderKL vae = AutoencoderKL.load(dir, backend)) {
            double loadS = (System.nanoTime() - t0) / 1e9;
            Tensor z = randomLatents(latentH, latentW);
            log("decoding latent [1, 4, %d, %d] %s on %s", latentH, latentW, tile > 0 ? "in " + tile + "-px tiles" : "untiled", backend.name());
            long t1 = System.nanoTime();
            Tensor image = tile > 0 ? vae.decodeTiled(z, tile, AutoencoderKL.TILE_OVERLAP) : vae.decode(z);
            double decodeS = (System.nanoTime() - t1) / 1e9;
            if (png != null) {
                Png.write(png, image, new GenerationParameters("synthetic SDXL VAE decode benchmark", "", 0, null, 0,
                        null, image.dim(3), image.dim(2), "synthetic-sdxl-vae"));
            }
            System.out.printf(Locale.ROOT, "vae-decode latent=%dx%d image=%dx%d tile=%d dtype=%s device=%s load_s=%.2f decode_s=%.1f "
                            + "peak_rss_mib=%d rss_mib=%d heap_max_mib=%d%n",
                    latentH, latentW, image.dim(2), image.dim(3), tile, dtype, backend.name(), loadS, decodeS,
                    ProcStatus.hwm() >> 20, ProcStatus.rss() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    /** Writes config.json and random weights with the SDXL shapes to dir, unless they are already there. */
    public static void ensureWeights(Path dir, VaeConfig config, DType dtype) throws IOException {
        Path weights = dir.resolve("diffusion_pytorch_model.safetensors");
        if (Files.isRegularFile(weights) && Files.isRegularFile(dir.resolve("config.json"))) return;
        log("writing synthetic %s SDXL VAE weights to %s", dtype, dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), config.toJson());
        SafetensorsWriter.write(weights, new SyntheticVaeWeights(config, dtype, 2024), Map.of("format", "pt"), true);
    }

    static Tensor randomLatents(int h, int w) {
        // unscaled latents of a real image have std about 1 / scaling_factor (~7.7 for SDXL)
        SplittableRandom rnd = new SplittableRandom(7);
        float[] v = new float[4 * h * w];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() / 0.13025);
        return Tensor.of(v, 1, 4, h, w);
    }

    private static void log(String fmt, Object... args) {
        System.err.println("[vae-bench] " + String.format(Locale.ROOT, fmt, args));
    }
}
