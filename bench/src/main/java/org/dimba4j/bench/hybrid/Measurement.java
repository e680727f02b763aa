package org.dimba4j.bench.hybrid;

import java.util.Arrays;
import java.util.Locale;

/**
 * One fresh JVM's result for one (width, variant, tokens): the per-forward seconds of its timed repetitions and its
 * memory figures. Travels from the probe to the driver as one line of text.
 *
 * @param width       width label ("S" hidden 384, "L" hidden 1152)
 * @param rssGrowth   VmHWM at the end minus VmRSS just before the first forward, bytes: what forwards add to the process
 * @param rssPeak     VmHWM at the end (weights, JVM and forward), bytes
 * @param heapPeak    peak Java heap in use during the timed forwards (sum of the heap pools' peaks after a reset)
 *                    minus the heap in use before them, bytes; it counts garbage not yet collected
 * @param parameters  weights held, floats
 */
record Measurement(String width, String variant, int tokens, int hidden, int depth, long parameters, long rssGrowth,
                   long rssPeak, long heapPeak, double[] seconds) {
    static final String PREFIX = "MEASUREMENT ";

    double medianSeconds() {
        return median(seconds);
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    String line() {
        StringBuilder b = new StringBuilder(PREFIX).append(String.format(Locale.ROOT, "%s %s %d %d %d %d %d %d %d",
                width, variant, tokens, hidden, depth, parameters, rssGrowth, rssPeak, heapPeak));
        for (double s : seconds) b.append(String.format(Locale.ROOT, " %.6f", s));
        return b.toString();
    }

    static Measurement parse(String line) {
        String[] f = line.substring(PREFIX.length()).trim().split(" ");
        if (f.length < 10) throw new IllegalArgumentException("malformed probe line: " + line);
        double[] secs = new double[f.length - 9];
        for (int i = 0; i < secs.length; i++) secs[i] = Double.parseDouble(f[9 + i]);
        return new Measurement(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]), secs);
    }
}
