package org.dimba4j.infer;

import org.dimba4j.io.image.GenerationParameters;
import org.dimba4j.io.image.Png;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.kernels.Tensor;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * What one request produced: the pictures with the A1111 {@code parameters} text each PNG carries, the seed, and
 * the time each phase took.
 *
 * @param request    the request as run (its size resolved)
 * @param pictures   8-bit RGB, one per prompt
 * @param parameters how each picture was made (the PNG's {@code parameters} chunk)
 * @param seed       the seed of the initial noise (and of IDDPM's per-step noise); null when initNoise was given
 * @param timings    seconds per phase
 * @param latents    the sampler's output [B, C, h, w], before division by the VAE scaling factor
 * @param pixels     the decoded images [B, 3, H, W] in about [-1, 1], before rounding to 8 bits
 */
public record GenerationResult(GenerationRequest request, List<RgbImage> pictures, List<GenerationParameters> parameters,
                               Long seed, Timings timings, Tensor latents, Tensor pixels) {

    /**
     * @param queueSeconds  waiting for the device thread
     * @param encodeSeconds T5 on the prompts and the negative prompt
     * @param sampleSeconds all sampler steps
     * @param decodeSeconds the VAE
     * @param steps         sampler steps run
     */
    public record Timings(double queueSeconds, double encodeSeconds, double sampleSeconds, double decodeSeconds, int steps) {
        public double secondsPerStep() {
            return sampleSeconds / steps;
        }

        /** Device time: encode + sample + decode. */
        public double deviceSeconds() {
            return encodeSeconds + sampleSeconds + decodeSeconds;
        }
    }

    public GenerationResult {
        pictures = List.copyOf(pictures);
        parameters = List.copyOf(parameters);
    }

    public int count() {
        return pictures.size();
    }

    /** Picture {@code i} as a new TYPE_INT_RGB image. */
    public BufferedImage image(int i) {
        return pictures.get(i).toBufferedImage();
    }

    public List<BufferedImage> images() {
        return pictures.stream().map(RgbImage::toBufferedImage).toList();
    }

    /** Picture {@code i} as PNG file bytes with its {@code parameters} chunk: the bytes {@code dimba generate} writes. */
    public byte[] png(int i) {
        return Png.encode(pictures.get(i), Map.of(Png.PARAMETERS, parameters.get(i).toText()));
    }

    /** The A1111 text of picture {@code i}. */
    public String parametersText(int i) {
        return parameters.get(i).toText();
    }
}
