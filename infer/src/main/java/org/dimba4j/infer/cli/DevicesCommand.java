package org.dimba4j.infer.cli;

import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.opencl.OpenClDevices;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Locale;

/** {@code dimba devices}: the OpenCL platforms and devices Aparapi sees, and what {@code --device auto} would use. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List OpenCL platforms and devices, and the backend --device auto picks.")
public final class DevicesCommand implements Runnable {
    @Override
    public void run() {
        List<OpenClDevices.Info> devices = OpenClDevices.list();
        if (devices.isEmpty()) {
            System.out.println("no OpenCL platform found (install an OpenCL driver, e.g. pocl-opencl-icd for the CPU)");
        }
        String platform = null;
        for (OpenClDevices.Info d : devices) {
            if (!d.platform().equals(platform)) {
                platform = d.platform();
                System.out.println("platform: " + d.platform() + " | " + d.platformVendor() + " | " + d.platformVersion());
            }
            System.out.println(String.format(Locale.ROOT, "  device: %s | type %s | %d compute units | %.1f GiB global memory"
                            + " | %.1f GiB max allocation", d.name(), d.type(), d.computeUnits(),
                    d.globalMemBytes() / 1073741824.0, d.maxAllocBytes() / 1073741824.0));
        }
        System.out.println("--device opencl: " + OpenClDevices.best().map(OpenClDevices.Info::name).orElse("unavailable"));
        System.out.println("--device auto: " + Backends.autoChoice());
    }
}
