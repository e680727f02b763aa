package org.dimba4j.model.vae;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Linux /proc/self/status memory fields in KiB (VmHWM = peak resident set, VmRSS = current); empty elsewhere. */
final class ProcStatus {
    private ProcStatus() {}

    static Map<String, Long> read() {
        Map<String, Long> out = new HashMap<>();
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) return out;
        try {
            for (String line : Files.readAllLines(status)) {
                int colon = line.indexOf(':');
                if (colon < 0 || !line.startsWith("Vm")) continue;
                String[] parts = line.substring(colon + 1).trim().split("\\s+");
                try {
                    out.put(line.substring(0, colon), Long.parseLong(parts[0]));
                } catch (NumberFormatException ignored) {
                    // not a size field
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
