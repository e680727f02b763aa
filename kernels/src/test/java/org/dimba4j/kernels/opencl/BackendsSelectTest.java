package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsSelectTest {
    @Test
    void autoPicksAnOpenClGpuOrElseTheCpu() {
        try (Backend b = Backends.select("auto")) {
            if (OpenClDevices.bestGpu().isPresent()) {
                assertInstanceOf(OpenClBackend.class, b);
            } else {
                assertEquals("cpu", b.name(), "without a GPU auto uses the CPU backend, even when PoCL is installed");
            }
        }
    }

    @Test
    void openclUsesAnyDeviceIncludingPocl() {
        OpenClTestSupport.backend(); // skips (or fails when required) without a device
        String old = System.getProperty("dimba.opencl.arenaMB");
        System.setProperty("dimba.opencl.arenaMB", "16");
        try (Backend b = Backends.select("OpenCL")) {
            assertTrue(b.name().startsWith("opencl:"), b.name());
            Tensor x = b.upload(Tensor.of(new float[] {1, 2, 3}, 3));
            assertEquals(java.util.List.of(2f, 4f, 6f), toList(b.download(b.scale(x, 2f))));
        } finally {
            if (old == null) System.clearProperty("dimba.opencl.arenaMB");
            else System.setProperty("dimba.opencl.arenaMB", old);
        }
    }

    @Test
    void unknownDeviceIsAnErrorNamingTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("tpu"));
        assertTrue(e.getMessage().contains("cpu, opencl or auto"), e.getMessage());
    }

    private static java.util.List<Float> toList(Tensor t) {
        java.util.List<Float> l = new java.util.ArrayList<>();
        for (float v : t.toFloatArray()) l.add(v);
        return l;
    }
}
