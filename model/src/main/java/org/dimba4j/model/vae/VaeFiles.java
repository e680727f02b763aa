package org.dimba4j.model.vae;

import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.ShardedSafetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the weights of a diffusers vae/ folder. */
final class VaeFiles {
    private VaeFiles() {}

    /**
     * diffusers' names first (full precision, then the fp16 variant, each as one file or shards with an index),
     * else the folder's only .safetensors file.
     */
    static TensorSource openWeights(Path dir) {
        for (String name : List.of("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors")) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return SafetensorsFile.open(p);
            Path index = dir.resolve(name + ".index.json");
            if (Files.isRegularFile(index)) return ShardedSafetensors.open(index);
        }
        List<Path> candidates;
        try (Stream<Path> s = Files.list(dir)) {
            candidates = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list VAE folder " + dir + ": " + e.getMessage(), e);
        }
        if (candidates.size() == 1) return SafetensorsFile.open(candidates.getFirst());
        throw new IllegalArgumentException("VAE folder " + dir + (candidates.isEmpty()
                ? " has no diffusion_pytorch_model.safetensors"
                : " has several .safetensors files and none is diffusion_pytorch_model.safetensors: " + candidates));
    }
}
