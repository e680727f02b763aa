package org.dimba4j.infer.cli;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * How the {@code dimba} command shows what the library logs ({@code System.Logger} under {@code org.dimba4j}): one
 * line per record on stderr with the one prefix the verbs' own lines use, {@code [dimba4j] msg}, warnings and errors
 * named as such; debug records only with {@code DIMBA_DEBUG} set. An embedding application configures its own
 * logging instead and never calls this.
 */
public final class CliLogging {
    static final String LOGGER = "org.dimba4j";
    /** Held: java.util.logging keeps loggers weakly, and a collected one would lose the handler. */
    private static final Logger ROOT = Logger.getLogger(LOGGER);

    private CliLogging() {}

    public static void install(boolean debug) {
        for (Handler h : ROOT.getHandlers()) if (h instanceof StderrLine) ROOT.removeHandler(h);
        Handler h = new StderrLine();
        h.setLevel(Level.ALL);
        ROOT.addHandler(h);
        ROOT.setUseParentHandlers(false);
        ROOT.setLevel(debug ? Level.FINE : Level.INFO);
    }

    /** The record as the line the CLI prints: the prefix, the level when it is not plain information, the message. */
    static String line(LogRecord r) {
        String msg = r.getMessage() == null ? "" : r.getMessage();
        Object[] params = r.getParameters();
        if (params != null && params.length > 0 && msg.contains("{0")) msg = MessageFormat.format(msg, params);
        int level = r.getLevel().intValue();
        String tag = level >= Level.SEVERE.intValue() ? "error: " : level >= Level.WARNING.intValue() ? "warning: "
                : level < Level.INFO.intValue() ? "debug: " : "";
        Throwable t = r.getThrown();
        return "[dimba4j] " + tag + msg + (t == null ? "" : " (" + Cli.message(t) + ")");
    }

    /** Writes to the System.err of the moment (a test or a caller may have replaced it), never a captured stream. */
    private static final class StderrLine extends Handler {
        @Override
        public void publish(LogRecord r) {
            if (!isLoggable(r)) return;
            PrintStream err = System.err;
            err.println(line(r));
            if (r.getThrown() != null && System.getenv("DIMBA_DEBUG") != null) r.getThrown().printStackTrace(err);
        }

        @Override
        public void flush() {
            System.err.flush();
        }

        @Override
        public void close() {}
    }
}
