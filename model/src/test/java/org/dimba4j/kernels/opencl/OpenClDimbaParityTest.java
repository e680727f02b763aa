package org.dimba4j.kernels.opencl;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.Dimba;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A whole Dimba denoiser forward on OpenCL (PoCL in CI) against the CPU backend and the official PyTorch outputs
 * (the dimba module's golden fixtures: a depth-2 tiny model, a Mamba layer after each block, with a text mask), with
 * weights mapped as bf16/f32 from safetensors and activations resident on the device.
 */
class OpenClDimbaParityTest {
    /** Same bound as the CPU golden test (|err| &lt;= 1e-4 * max(1, |expected|)); f32 kernels with another order of sums. */
    static final double TOL = 1e-4;

    @Test
    void tinyDimbaForwardMatchesCpuAndOfficial() {
        Optional<OpenClDevices.Info> dev = OpenClDevices.best();
        if (dev.isEmpty()) {
            boolean required = Boolean.getBoolean("dimba.requireOpencl") || "1".equals(System.getenv("DIMBA_REQUIRE_OPENCL"));
            if (required) Assertions.fail("OpenCL is required (dimba.requireOpencl / DIMBA_REQUIRE_OPENCL) but no device was found");
            Assumptions.abort("no OpenCL device");
        }
        Backend cpu = Backends.cpu();
        try (OpenClBackend cl = OpenClBackend.create(dev.get(), 64);
             SafetensorsFile io = SafetensorsFile.open(fixture("tiny-io.safetensors"));
             Dimba onCpu = Dimba.load(fixture("tiny"), cpu);
             Dimba onCl = Dimba.load(fixture("tiny"), cl)) {
            Tensor x = io.get("x"), t = io.get("timestep"), y = io.get("y"), mask = io.get("mask");
            Tensor expected = onCpu.forward(x, t, y, mask);
            onCl.forward(x, t, y, mask); // warm-up: weights go up once and stay cached

            cl.resetTransfers();
            Tensor outDevice = onCl.forward(x, t, y, mask);
            assertFalse(outDevice.isHost(), "the denoiser's output stays on the device until downloaded");
            Tensor out = cl.download(outDevice);
            TransferStats st = cl.transfers();
            System.err.println("[opencl] tiny Dimba forward, warm: " + st);
            assertEquals(1, st.downloads(), "only the output comes back: " + st);
            // What goes up is what the model computes on the host from its inputs (timestep sinusoid, position
            // embedding, float mask); mapped inputs and weights are already cached on the device.
            Assertions.assertTrue(st.uploads() <= 4, "no activation goes up: " + st);

            assertClose(expected, out, "OpenCL vs CPU");
            assertClose(io.get("out"), out, "OpenCL vs official");
            assertClose(io.get("out_nomask"), cl.download(onCl.forward(x, t, y, null)), "OpenCL vs official, no mask");
        }
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
            if (!(err <= TOL)) Assertions.fail(what + ": element " + i + " expected " + e[i] + " got " + a[i]);
        }
    }

    private static Path fixture(String name) {
        var url = OpenClDimbaParityTest.class.getResource("/fixtures/dimba/" + name);
        if (url == null) throw new IllegalStateException("fixture " + name + " missing; see tools/fixtures/dimba/README.md");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
