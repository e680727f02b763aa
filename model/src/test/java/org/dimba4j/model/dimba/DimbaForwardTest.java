package org.dimba4j.model.dimba;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import static org.dimba4j.model.dimba.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** As under CFG: a batch of 4 with a [2, L] mask tiles it (rows 0, 1, 0, 1), like torch's mask.repeat(2, 1). */
    @Test
    void maskWithFewerRowsIsTiledOverTheBatch() {
        try (Dimba model = Dimba.load(Fixtures.path("tiny"), be); SafetensorsFile io = Fixtures.open("tiny-io.safetensors")) {
            Tensor x = be.concat(0, io.get("x"), io.get("x"));
            Tensor t = be.concat(0, io.get("timestep"), io.get("timestep"));
            Tensor y = be.concat(0, io.get("y"), io.get("y"));
            Tensor out = model.forward(x, t, y, io.get("mask"));
            Tensor expected = be.concat(0, io.get("out"), io.get("out"));
            assertClose(expected, out, 1e-4, "tiled mask");
        }
    }

    @Test
    void badInputsAreNamed() {
        try (Dimba model = Dimba.load(Fixtures.path("tiny"), be); SafetensorsFile io = Fixtures.open("tiny-io.safetensors")) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(io.get("x"), io.get("timestep"), io.get("y"), Tensor.zeros(3, 8)));
            assertTrue(e.getMessage().contains("mask must be [2, 8]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(Tensor.zeros(2, 4, 5, 8), io.get("timestep"), io.get("y"), null));
            assertTrue(e.getMessage().contains("x must be [B, 4, H, W] with H, W multiples of 2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(io.get("x"), io.get("timestep"), Tensor.zeros(2, 1, 8, 16), null));
            assertTrue(e.getMessage().contains("y must be [2, 1, L, 24]"), e.getMessage());
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
