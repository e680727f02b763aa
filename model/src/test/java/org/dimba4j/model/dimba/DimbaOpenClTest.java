package org.dimba4j.model.dimba;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.opencl.OpenClBackend;
import org.dimba4j.kernels.opencl.OpenClDevices;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.dimba4j.model.dimba.Fixtures.assertClose;

/**
 * The tiny official network on the OpenCL backend (PoCL on a CPU in CI). Skipped without an OpenCL device unless
 * OpenCL is required (-Ddimba.requireOpencl=true or DIMBA_REQUIRE_OPENCL=1).
 */
class DimbaOpenClTest {

    @Test
    void tinyMatchesOfficialOnOpenCl() {
        var device = OpenClDevices.best();
        if (device.isEmpty()) {
            String why = "no OpenCL device";
            if (Boolean.getBoolean("dimba.requireOpencl") || "1".equals(System.getenv("DIMBA_REQUIRE_OPENCL"))) {
                Assertions.fail("OpenCL is required but " + why);
            }
            Assumptions.abort(why);
        }
        try (OpenClBackend be = OpenClBackend.create(device.get(), 64);
             Dimba model = Dimba.load(Fixtures.path("tiny-gap2"), be);
             SafetensorsFile io = Fixtures.open("tiny-gap2-io.safetensors")) {
            assertClose(io.get("out"), be.download(model.forward(io.get("x"), io.get("timestep"), io.get("y"), io.get("mask"))),
                    1e-4, "tiny-gap2 on " + be.name());
        }
    }
}
