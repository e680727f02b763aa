package org.dimba4j.model.vae;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.dimba4j.model.vae.VaeFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiled decoding and encoding against diffusers' enable_tiling() output; with one tile or no overlap, against
 * untiled decodes.
 * (Blended tiles are not compared with the untiled decode of this random model: each tile's GroupNorm sees only
 * the tile, so a random network's tiles legitimately differ from the whole; diffusers' output is the oracle.)
 */
class TilingTest {
    static final Backend B = Backends.cpu();
    static AutoencoderKL vae;
    static SafetensorsFile out;

    @BeforeAll
    static void load() {
        vae = AutoencoderKL.load(VaeFixtures.resource("sdxl-tiny"), B); // sample_size 32: 4x4 latent tiles
        out = VaeFixtures.outputs("sdxl-tiny");
    }

    @AfterAll
    static void close() {
        vae.close();
        out.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiled_a", "tiled_b"})
    void matchesDiffusersTiledDecode(String tag) {
        Tensor tiled = vae.decodeTiled(out.get(tag + ".latents"));
        assertClose(out.get(tag + ".decoded"), tiled, AutoencoderKLTest.TOL, tag);
    }

    @Test
    void tiledEncodeMatchesDiffusers() {
        DiagonalGaussian p = vae.encodeTiled(out.get("tiled_enc.image"), 32, AutoencoderKL.TILE_OVERLAP);
        assertClose(out.get("tiled_enc.mean"), p.mean(), AutoencoderKLTest.TOL, "tiled encode mean");
        assertClose(out.get("tiled_enc.logvar"), p.logvar(), AutoencoderKLTest.TOL, "tiled encode logvar");
    }

    @Test
    void latentWithinOneTileDecodesUntiled() {
        Tensor z = out.get("square.latents"); // 4x4 latent = one 32-px tile
        assertClose(out.get("square.decoded"), vae.decodeTiled(z), AutoencoderKLTest.TOL, "single tile");
    }

    /** Without overlap the tiles are independent decodes of latent blocks, laid side by side. */
    @Test
    void zeroOverlapIsAMosaicOfIndependentTiles() {
        Tensor z = out.get("tiled_b.latents"); // [1, 4, 6, 5], 4x4 tiles -> 2x2 tiles of 4/2 rows, 4/1 columns
        Tensor tiled = vae.decodeTiled(z, 32, 0f);
        int[][] blocks = {{0, 4, 0, 4}, {0, 4, 4, 5}, {4, 6, 0, 4}, {4, 6, 4, 5}};
        for (int[] bl : blocks) {
            Tensor sub = B.slice(B.slice(z, 2, bl[0], bl[1]), 3, bl[2], bl[3]);
            Tensor expected = vae.decode(sub);
            Tensor got = B.slice(B.slice(tiled, 2, 8 * bl[0], 8 * bl[1]), 3, 8 * bl[2], 8 * bl[3]);
            assertClose(expected, B.download(got), 1e-6, "tile " + java.util.Arrays.toString(bl));
        }
    }
}
