package org.dimba4j.kernels;

import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.kernels.opencl.OpenClBackend;
import org.dimba4j.kernels.opencl.OpenClDevices;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The one place a backend is chosen: "cpu", "opencl" or "auto". Logs its choice to stderr. */
public final class Backends {
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    /** The names {@link #select} takes. */
    public static final List<String> DEVICES = List.of("cpu", "opencl", "auto");

    private Backends() {}

    public static Backend cpu() {
        return new CpuBackend();
    }

    /**
     * "cpu": the Vector API backend. "opencl": the OpenCL backend on the best device (a GPU, else any, PoCL
     * included); fails when there is none. "auto": an OpenCL GPU if one is present, else the CPU backend (an OpenCL
     * CPU device such as PoCL is slower than the Vector API backend, so auto never picks it).
     */
    public static Backend select(String device) {
        return select(device, true);
    }

    /** {@link #select(String)}; {@code packWeights} false keeps the CPU backend from caching packed f32 weights. */
    public static Backend select(String device, boolean packWeights) {
        String d = device == null ? "auto" : device.toLowerCase(Locale.ROOT);
        Backend b = switch (d) {
            case "cpu" -> new CpuBackend(packWeights);
            case "opencl" -> OpenClBackend.create();
            case "auto" -> auto(packWeights);
            default -> throw new IllegalArgumentException("unknown device '" + device + "' (expected cpu, opencl or auto)");
        };
        LOG.log(System.Logger.Level.INFO, "backend: " + b.name());
        return b;
    }

    /** What "auto" picks, as a sentence (also printed by {@code dimba devices}). */
    public static String autoChoice() {
        Optional<OpenClDevices.Info> gpu = OpenClDevices.bestGpu();
        return gpu.map(g -> "opencl (GPU " + g.name() + ")").orElse("cpu (no OpenCL GPU found)");
    }

    private static Backend auto(boolean packWeights) {
        Optional<OpenClDevices.Info> gpu = OpenClDevices.bestGpu();
        if (gpu.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "auto: no OpenCL GPU found, using the CPU backend");
            return new CpuBackend(packWeights);
        }
        LOG.log(System.Logger.Level.INFO, "auto: OpenCL GPU " + gpu.get().name());
        return OpenClBackend.create(gpu.get(), OpenClBackend.defaultArenaMB(gpu.get()));
    }
}
