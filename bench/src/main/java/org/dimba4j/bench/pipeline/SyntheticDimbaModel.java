package org.dimba4j.bench.pipeline;

import org.dimba4j.bench.hybrid.RandomDimbaWeights;
import org.dimba4j.bench.vae.DecodeBenchmarkMain;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.DType;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.vae.VaeConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes the parts of a model folder that {@code dimba generate} times in {@code bench/l512-step.sh}, with
 * synthetic weights: transformer/ (a named Dimba config, {@link RandomDimbaWeights}, f32), vae/ (SDXL shapes,
 * f32) and tokenizer/ (copied from the tiny reference model: its ids are valid for any T5 vocabulary). The text
 * encoder (synthetic bf16 T5-XXL) is written by the script. Parts already present are kept.
 *
 * <p>Usage: SyntheticDimbaModel DIR CONFIG TINY_REFERENCE_DIR, CONFIG one of {@link DimbaConfig#NAMES} or a config.json
 */
public final class SyntheticDimbaModel {
    private SyntheticDimbaModel() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) throw new IllegalArgumentException("usage: SyntheticDimbaModel DIR CONFIG TINY_REFERENCE_DIR");
        Path dir = Path.of(args[0]), tiny = Path.of(args[2]);
        DimbaConfig config = args[1].endsWith(".json") ? DimbaConfig.load(Path.of(args[1])) : DimbaConfig.named(args[1]);
        Path transformer = dir.resolve("transformer");
        if (!Files.isRegularFile(transformer.resolve("model.safetensors"))) {
            Files.createDirectories(transformer);
            var weights = RandomDimbaWeights.of(config, true, 2024);
            System.err.printf("[l512] writing %s (%.1f M parameters, f32) to %s%n", args[1], weights.elementCount() / 1e6, transformer);
            Files.writeString(transformer.resolve("config.json"), config.toJson());
            SafetensorsWriter.write(transformer.resolve("model.safetensors"), weights, Map.of("format", "pt"), true);
        }
        DecodeBenchmarkMain.ensureWeights(dir.resolve("vae"), VaeConfig.sdxl(), DType.F32);
        Path tok = dir.resolve("tokenizer");
        Files.createDirectories(tok);
        try (var files = Files.list(tiny.resolve("tokenizer"))) {
            for (Path f : files.toList()) Files.copy(f, tok.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(tiny.resolve("model_index.json"), dir.resolve("model_index.json"), StandardCopyOption.REPLACE_EXISTING);
    }
}
