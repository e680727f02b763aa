package org.dimba4j.model.vae;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.opencl.OpenClBackend;
import org.dimba4j.kernels.opencl.OpenClDevices;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.dimba4j.model.vae.VaeFixtures.assertClose;

/**
 * The VAE on the OpenCL backend (PoCL in CI) against the same diffusers fixtures: weights uploaded once,
 * activations device-resident, tiles blended on the device. Skipped without an OpenCL device unless
 * OpenCL is required (-Ddimba.requireOpencl=true or DIMBA_REQUIRE_OPENCL=1).
 */
class VaeOpenClTest {

    private static OpenClBackend backend() {
        var dev = OpenClDevices.best();
        if (dev.isEmpty()) {
            if (Boolean.getBoolean("dimba.requireOpencl") || "1".equals(System.getenv("DIMBA_REQUIRE_OPENCL"))) {
                Assertions.fail("OpenCL is required but no OpenCL device was found");
            }
            Assumptions.abort("no OpenCL device");
        }
        return OpenClBackend.create(dev.get(), 256);
    }

    @Test
    void encodeDecodeAndTiledDecodeMatchDiffusers() {
        try (OpenClBackend cl = backend()) {
            try (AutoencoderKL vae = AutoencoderKL.load(VaeFixtures.resource("small"), cl); SafetensorsFile out = VaeFixtures.outputs("small")) {
                DiagonalGaussian p = vae.encode(out.get("tall.image"));
                assertClose(out.get("tall.mean"), p.mean(), 1e-4, "opencl mean");
                assertClose(out.get("tall.logvar"), p.logvar(), 1e-4, "opencl logvar");
                assertClose(out.get("tall.decoded"), vae.decode(out.get("tall.latents")), 1e-4, "opencl decode");
            }
            try (AutoencoderKL vae = AutoencoderKL.load(VaeFixtures.resource("sdxl-tiny"), cl); SafetensorsFile out = VaeFixtures.outputs("sdxl-tiny")) {
                Tensor tiled = vae.decodeTiled(out.get("tiled_b.latents"));
                assertClose(out.get("tiled_b.decoded"), tiled, 1e-4, "opencl tiled decode");
            }
        }
    }
}
