package org.dimba4j.train.run;

import java.io.PrintWriter;

/** The progress line of each step on stderr: step/total, loss, smoothed loss, steps/s and the time left. */
final class Progress {
    private final PrintWriter err;
    private final long startNanos = System.nanoTime();
    private final int firstStep;

    Progress(PrintWriter err, int firstStep) {
        this.err = err;
        this.firstStep = firstStep;
    }

    void step(int step, int total, float loss, double smoothed, double gradNorm) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        double rate = (step - firstStep) / Math.max(secs, 1e-9);
        err.printf(java.util.Locale.ROOT, "[dimba4j] train step %d/%d loss %.5f smoothed %.5f grad_norm %.3g %.2f steps/s ETA %s%n",
                step, total, loss, smoothed, gradNorm, rate, eta((total - step) / Math.max(rate, 1e-9)));
        err.flush();
    }

    static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
