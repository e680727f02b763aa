package org.dimba4j.infer.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the library logs reaches the CLI's stderr as one prefixed line per record, at the CLI's level. */
class CliLoggingTest {
    private final Logger root = Logger.getLogger(CliLogging.LOGGER);

    @AfterEach
    void restore() {
        for (Handler h : root.getHandlers()) root.removeHandler(h);
        root.setUseParentHandlers(true);
        root.setLevel(null);
    }

    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneLinePerRecordWithThePrefixAndTheLevelNamed() {
        CliLogging.install(false);
        System.Logger log = System.getLogger("org.dimba4j.kernels.Backends");
        String err = stderrOf(() -> {
            log.log(System.Logger.Level.INFO, "backend: cpu");
            log.log(System.Logger.Level.WARNING, "prompt of 140 tokens truncated to 120");
            log.log(System.Logger.Level.ERROR, "cannot write x", new java.io.IOException("disk full"));
            log.log(System.Logger.Level.DEBUG, "packed 12 weights");
        });
        assertEquals("[dimba4j] backend: cpu\n[dimba4j] warning: prompt of 140 tokens truncated to 120\n"
                + "[dimba4j] error: cannot write x (disk full)\n", err.replace(System.lineSeparator(), "\n"));
    }

    @Test
    void debugRecordsOnlyWhenAsked() {
        CliLogging.install(true);
        String err = stderrOf(() -> System.getLogger("org.dimba4j.infer.DimbaPipeline").log(System.Logger.Level.DEBUG, "loaded {0}", "m"));
        assertEquals("[dimba4j] debug: loaded m\n", err.replace(System.lineSeparator(), "\n"));
    }

    @Test
    void installingTwiceKeepsOneHandler() {
        CliLogging.install(false);
        CliLogging.install(false);
        assertEquals(1, root.getHandlers().length);
        assertEquals(Level.INFO, root.getLevel());
    }
}
