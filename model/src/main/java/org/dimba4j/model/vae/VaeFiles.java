package org.dimba4j.model.vae;

import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.TensorSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the weights of a diffusers vae/ folder. */
public final class VaeFiles {
    private VaeFiles() {}

    /**
     * diffusers' names first (full precision, then the fp16 variant, each as one file or as shards with an index:
     * a folder often holds both precisions), else whatever single checkpoint {@link Checkpoints} finds
     * (e.g. an older diffusion_pytorch_model.bin torch file).
     */
    public static TensorSource openWeights(Path dir) {
        for (String name : List.of("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors")) {
            Path index = dir.resolve(name + ".index.json");
            if (Files.isRegularFile(index)) return Checkpoints.open(index);
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) return Checkpoints.open(p);
        }
        return Checkpoints.open(dir);
    }
}
