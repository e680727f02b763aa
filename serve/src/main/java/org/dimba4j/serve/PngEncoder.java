package org.dimba4j.serve;

import org.dimba4j.io.image.GenerationParameters;
import org.dimba4j.io.image.Png;
import org.dimba4j.kernels.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Image tensors to PNG bytes with the A1111 {@code parameters} chunk, from {@link Png#encode}: the bytes that
 * {@code dimba generate}'s {@link Png#write} puts in its file, so a served PNG is byte-identical to the CLI's.
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
        for (int i = 0; i < s[0]; i++) {
            float[] one = new float[per];
            System.arraycopy(all, i * per, one, 0, per);
            out.add(Png.encode(Tensor.of(one, s[1], s[2], s[3]), parameters));
        }
        return out;
    }
}
