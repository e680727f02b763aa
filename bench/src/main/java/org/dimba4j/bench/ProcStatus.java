package org.dimba4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory from {@code /proc/self/status} (Linux): current (VmRSS) and peak (VmHWM). */
public final class ProcStatus {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcStatus() {}

    /** Resident set size now, bytes. */
    public static long rss() {
        return field("VmRSS:");
    }

    /** Peak resident set size since the process started ("high water mark"), bytes. */
    public static long hwm() {
        return field("VmHWM:");
    }

    private static long field(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // reported in kB
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS + " (the memory figures need Linux /proc)", e);
        }
        throw new IllegalStateException(STATUS + " has no " + key + " line");
    }
}
