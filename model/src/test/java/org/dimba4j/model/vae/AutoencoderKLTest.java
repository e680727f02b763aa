package org.dimba4j.model.vae;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.dimba4j.model.vae.VaeFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Encoder and decoder against diffusers AutoencoderKL outputs (float64 oracle) within 1e-4. */
class AutoencoderKLTest {
    static final double TOL = 1e-4;
    static final Backend B = Backends.cpu();
    static final Map<String, AutoencoderKL> MODELS = new HashMap<>();
    static final Map<String, SafetensorsFile> OUTPUTS = new HashMap<>();

    @BeforeAll
    static void load() {
        for (String m : new String[] {"sdxl-tiny", "small"}) {
            MODELS.put(m, AutoencoderKL.load(VaeFixtures.resource(m), B));
            OUTPUTS.put(m, VaeFixtures.outputs(m));
        }
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(AutoencoderKL::close);
        OUTPUTS.values().forEach(SafetensorsFile::close);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"sdxl-tiny, square", "sdxl-tiny, wide", "small, square", "small, tall"})
    void encoderMatchesDiffusers(String model, String input) {
        SafetensorsFile out = OUTPUTS.get(model);
        DiagonalGaussian posterior = MODELS.get(model).encode(out.get(input + ".image"));
        assertClose(out.get(input + ".mean"), posterior.mean(), TOL, model + " " + input + " mean");
        assertClose(out.get(input + ".logvar"), posterior.logvar(), TOL, model + " " + input + " logvar");
        Tensor sample = posterior.sample(B, out.get(input + ".noise"));
        assertClose(out.get(input + ".sample"), B.download(sample), TOL, model + " " + input + " posterior sample");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"sdxl-tiny, square", "sdxl-tiny, wide", "small, square", "small, tall"})
    void decoderMatchesDiffusers(String model, String input) {
        SafetensorsFile out = OUTPUTS.get(model);
        Tensor image = MODELS.get(model).decode(out.get(input + ".latents"));
        assertClose(out.get(input + ".decoded"), image, TOL, model + " " + input + " decoded");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sdxl-tiny, 0.13025, 8", "small, 0.18215, 4"})
    void configIsReadFromTheFolder(String model, float scaling, int factor) {
        AutoencoderKL vae = MODELS.get(model);
        assertEquals(scaling, vae.scalingFactor());
        assertEquals(0f, vae.shiftFactor());
        assertEquals(factor, vae.config().downsampleFactor());
    }
}
