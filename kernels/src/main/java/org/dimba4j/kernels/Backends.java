package org.dimba4j.kernels;

import org.dimba4j.kernels.cpu.CpuBackend;

import java.util.Locale;

/** The one place a backend is chosen: "cpu", "opencl" or "auto". Logs its choice to stderr. */
public final class Backends {
    private Backends() {}

    public static Backend cpu() {
        return new CpuBackend();
    }

    public static Backend select(String device) {
        String d = device == null ? "auto" : device.toLowerCase(Locale.ROOT);
        Backend b = switch (d) {
            case "cpu", "auto" -> cpu();
            default -> throw new IllegalArgumentException("unknown device '" + device + "' (expected cpu, opencl or auto)");
        };
        System.err.println("[dimba4j] backend: " + b.name());
        return b;
    }
}
