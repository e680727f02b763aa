package org.dimba4j.infer.cli;

import org.dimba4j.kernels.opencl.OpenClDevices;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevicesCommandTest {
    @Test
    void listsEveryDeviceAndTheAutoChoiceOnStdout() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = Main.commandLine().execute("devices");
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        for (OpenClDevices.Info d : OpenClDevices.list()) {
            assertTrue(out.contains("device: " + d.name() + " | type " + d.type() + " | " + d.computeUnits() + " compute units"), out);
        }
        boolean gpu = OpenClDevices.bestGpu().isPresent();
        assertTrue(out.contains("--device auto: " + (gpu ? "opencl (GPU " : "cpu (no OpenCL GPU found)")), out);
    }
}
