package org.dimba4j.infer.cli;

import org.dimba4j.infer.InvalidRequestException;

import java.util.Locale;
import java.util.Set;

/**
 * The command line's one rule for failures: exit 2 when the command line is wrong (picocli's parse errors, and
 * values a verb rejects before it starts working: a {@link picocli.CommandLine.ParameterException} or an
 * {@link InvalidRequestException}), exit 1 when the work itself fails (I/O, a broken checkpoint, out of memory).
 * Both print one line, {@code dimba: error: ...}.
 */
final class Cli {
    static final int USAGE = 2;
    static final int FAILURE = 1;
    private static final Set<String> DEVICES = Set.of("cpu", "opencl", "auto");

    private Cli() {}

    /** The option a request field comes from: {@code negativePrompt} -> {@code --negative-prompt}. */
    static String option(InvalidRequestException e) {
        if (e.field().equals("size")) return "--width/--height";
        return "--" + e.field().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Checks a --device value before anything is loaded. */
    static String device(String device) {
        if (device == null || !DEVICES.contains(device.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--device '" + device + "' is unknown (expected cpu, opencl or auto)");
        }
        return device;
    }

    static int exitCode(Throwable e) {
        return e instanceof InvalidRequestException ? USAGE : FAILURE;
    }

    /** The one-line message for a failure; an OutOfMemoryError gets advice instead of a stack trace. */
    static String message(Throwable e) {
        if (e instanceof OutOfMemoryError oom) {
            long max = Runtime.getRuntime().maxMemory();
            return "out of memory (" + oom.getMessage() + ") with a maximum heap of "
                    + String.format(Locale.ROOT, "%.1f GiB", max / (double) (1L << 30))
                    + ": lower --width/--height or --batch, or give the JVM more heap, e.g. DIMBA_JAVA_OPTS=-Xmx"
                    + Math.max(2, 2 * (max >> 30)) + "g";
        }
        if (e instanceof InvalidRequestException ire) return option(ire) + " " + ire.problem();
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
