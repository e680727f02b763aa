package org.dimba4j.kernels.opencl;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The OpenCL platforms and devices Aparapi can see, and the device choices of {@code --device opencl|auto}. */
public final class OpenClDevices {
    /** Held so the level set below sticks (java.util.logging keeps loggers weakly). */
    private static final Logger APARAPI_LOG = Logger.getLogger("com.aparapi");

    static {
        // Aparapi logs every kernel build at INFO; keep its warnings (fallbacks, build errors) only.
        APARAPI_LOG.setLevel(Level.WARNING);
    }

    private OpenClDevices() {}

    /** One device as {@code dimba devices} prints it. */
    public record Info(String platform, String platformVendor, String platformVersion, String name, String type,
                       int computeUnits, long globalMemBytes, long maxAllocBytes, OpenCLDevice device) {
        public boolean isGpu() {
            return "GPU".equals(type);
        }
    }

    private static List<Info> devices;

    /** Every device of every platform (queried once per process); empty when no OpenCL runtime or platform is installed. */
    public static synchronized List<Info> list() {
        if (devices == null) devices = List.copyOf(query());
        return devices;
    }

    private static List<Info> query() {
        List<Info> out = new ArrayList<>();
        try {
            if (!OpenCLLoader.isOpenCLAvailable()) return out;
            for (OpenCLPlatform p : OpenCLPlatform.getUncachedOpenCLPlatforms()) {
                for (OpenCLDevice d : p.getOpenCLDevices()) {
                    out.add(new Info(p.getName(), p.getVendor(), p.getVersion(), d.getName().trim(),
                            String.valueOf(d.getType()), d.getMaxComputeUnits(), d.getGlobalMemSize(),
                            d.getMaxMemAllocSize(), d));
                }
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // No usable OpenCL runtime (missing libOpenCL.so, no ICD): the same as no device.
            return new ArrayList<>();
        }
        return out;
    }

    /** The GPU with the most compute units, if any: what {@code auto} runs on. A CPU OpenCL device is never picked. */
    public static Optional<Info> bestGpu() {
        return list().stream().filter(Info::isGpu)
                .max((a, b) -> Integer.compare(a.computeUnits(), b.computeUnits()));
    }

    /** A GPU if present, else an accelerator, else any OpenCL device (PoCL on the CPU): what {@code opencl} runs on. */
    public static Optional<Info> best() {
        Optional<Info> gpu = bestGpu();
        if (gpu.isPresent()) return gpu;
        List<Info> all = list();
        for (Info i : all) {
            if (i.device().getType() == Device.TYPE.ACC) return Optional.of(i);
        }
        return all.stream().findFirst();
    }
}
