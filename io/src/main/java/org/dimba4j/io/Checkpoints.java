package org.dimba4j.io;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.ShardedSafetensors;
import org.dimba4j.io.torch.TorchCheckpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Opens whatever checkpoint a user points at: a {@code .safetensors} file, a sharded {@code *.safetensors.index.json},
 * a PyTorch zip checkpoint ({@code .pt}/{@code .pth}/{@code .bin}), or a folder holding exactly one of these. Files are
 * recognised by content (a zip's "PK" signature), not only by name.
 */
public final class Checkpoints {
    /** What a folder is searched for, in order of preference. */
    public static final List<String> LOOKED_FOR = List.of("*.safetensors.index.json", "*.safetensors", "*.pt", "*.pth", "*.bin");

    private Checkpoints() {}

    /** The tensors of {@code fileOrDir}; a torch checkpoint's weights are chosen as {@link TorchCheckpoint} describes. */
    public static TensorSource open(Path fileOrDir) {
        return open(fileOrDir, null);
    }

    /**
     * Like {@link #open(Path)}; {@code torchKey} picks the dict of a nested torch checkpoint ("state_dict", "ema", ...)
     * and must be null for safetensors.
     */
    public static TensorSource open(Path fileOrDir, String torchKey) {
        Path file = Files.isDirectory(fileOrDir) ? find(fileOrDir) : fileOrDir;
        if (!Files.isRegularFile(file)) throw new CheckpointException("no such checkpoint file or folder: " + fileOrDir);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".index.json")) {
            noKey(torchKey, file);
            return ShardedSafetensors.open(file);
        }
        if (isZip(file)) return TorchCheckpoint.open(file, torchKey);
        if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin") || name.endsWith(".ckpt")) {
            return TorchCheckpoint.open(file, torchKey); // not a zip: the reader says what it is (legacy pickle, damaged)
        }
        noKey(torchKey, file);
        return SafetensorsFile.open(file);
    }

    /** The one checkpoint in {@code dir}: an index beats the shards it lists; otherwise exactly one candidate file. */
    public static Path find(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (String pattern : LOOKED_FOR) {
            String suffix = pattern.substring(1);
            List<Path> hits = files.stream().filter(f -> f.getFileName().toString().endsWith(suffix)
                    && !f.getFileName().toString().startsWith(".")).toList();
            if (hits.size() == 1) return hits.getFirst();
            if (hits.size() > 1) {
                throw new CheckpointException(dir + ": several " + pattern + " files " + hits.stream().map(p -> p.getFileName().toString()).toList()
                        + " and no single index; point at one file");
            }
        }
        throw new CheckpointException("no checkpoint in " + dir + ": looked for " + String.join(", ", LOOKED_FOR));
    }

    private static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void noKey(String key, Path file) {
        if (key != null) throw new CheckpointException(file + " is not a torch checkpoint; a key ('" + key + "') applies only to those");
    }
}
