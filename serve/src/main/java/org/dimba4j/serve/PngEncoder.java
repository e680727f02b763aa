package org.dimba4j.serve;

import org.dimba4j.io.image.GenerationParameters;
import org.dimba4j.io.image.Png;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Image tensors to PNG bytes with the A1111 {@code parameters} chunk. The bytes come from {@link Png#write}, the
 * CLI's own writer, through a private temporary folder per call: a served PNG is then byte-identical to the file
 * {@code dimba generate} writes for the same settings, and no two jobs share a path.
 */
final class PngEncoder {
    private PngEncoder() {}

    /** The settings chunk exactly as {@code dimba generate} writes it. */
    static GenerationParameters parameters(JobSpec s, String model) {
        return new GenerationParameters(s.prompt(), s.negativePrompt(), s.steps(), s.sampler().cliName(), s.guidance(),
                s.seed(), s.width(), s.height(), model);
    }

    /** One PNG per image of a [n, 3, H, W] tensor. */
    static List<byte[]> encode(Tensor images, GenerationParameters parameters) {
        int[] s = images.shape();
        int per = s[1] * s[2] * s[3];
        float[] all = images.floats();
        List<byte[]> out = new ArrayList<>(s[0]);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("dimba-serve-");
            Path file = dir.resolve("image.png");
            for (int i = 0; i < s[0]; i++) {
                float[] one = new float[per];
                System.arraycopy(all, i * per, one, 0, per);
                Png.write(file, Tensor.of(one, s[1], s[2], s[3]), parameters);
                out.add(Files.readAllBytes(file));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover temp folder is harmless; the response is what matters
        }
    }
}
