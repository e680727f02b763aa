package org.dimba4j.model.dimba;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import static org.dimba4j.model.dimba.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole official network on tiny random models (every weight non-zero), within 1e-4. */
class DimbaForwardTest {
    private final Backend be = Backends.cpu();

    /** depth 2, a Mamba layer after each block; 6x10 latent on a model built for 8x8, pe_interpolation 2. */
    @Test
    void tinyMatchesOfficialOnNonSquareLatentWithMask() {
        try (Dimba model = Dimba.load(Fixtures.path("tiny"), be); SafetensorsFile io = Fixtures.open("tiny-io.safetensors")) {
            Tensor out = model.forward(io.get("x"), io.get("timestep"), io.get("y"), io.get("mask"));
            assertEquals(8, out.dim(1));
            assertClose(io.get("out"), out, 1e-4, "tiny with mask");
            assertClose(io.get("out_nomask"), model.forward(io.get("x"), io.get("timestep"), io.get("y"), null),
                    1e-4, "tiny without mask");
        }
    }

    /** depth 4, mamba_ratio 0.5: Mamba layers after blocks 1 and 3; one mask row repeated over the batch. */
    @Test
    void gapTwoMatchesOfficialWithSharedMask() {
        try (Dimba model = Dimba.load(Fixtures.path("tiny-gap2"), be);
             SafetensorsFile io = Fixtures.open("tiny-gap2-io.safetensors")) {
            assertEquals(2, model.config().gap());
            assertClose(io.get("out"), model.forward(io.get("x"), io.get("timestep"), io.get("y"), io.get("mask")),
                    1e-4, "gap 2 with shared mask");
            assertClose(io.get("out_nomask"), model.forward(io.get("x"), io.get("timestep"), io.get("y"), null),
                    1e-4, "gap 2 without mask");
        }
    }

    @Test
    void positionEmbeddingMatchesOfficialForAnyGrid() {
        try (SafetensorsFile io = Fixtures.open("tiny-io.safetensors")) {
            // hidden 32, grid 3x5, base_size 4, pe_interpolation 2
            assertClose(io.get("pos_embed"), SinCosPosEmbed.compute(32, 3, 5, 4, 2.0), 1e-6, "pos_embed");
        }
    }

    @Test
    void timestepSinusoidIsCosThenSin() {
        try (SafetensorsFile io = Fixtures.open("tiny-io.safetensors")) {
            // torch's float32 exp is not correctly rounded: a frequency 1 ulp off moves sin(999 f) by up to ~3e-5
            assertClose(io.get("t_freq"), TimestepEmbedder.sinusoid(io.get("timestep")), 5e-5, "t_freq");
        }
    }
}
