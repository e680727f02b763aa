package org.dimba4j.bench.hybrid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Medians over the fresh JVMs of each (width, variant, tokens), as CSV and as the markdown table for the README. */
final class Report {
    private static final double MB = 1024.0 * 1024.0;

    /**
     * @param seconds    every timed forward of every JVM
     * @param rssGrowth  median over the JVMs of VmHWM minus VmRSS before the first forward, bytes
     * @param heapPeak   median over the JVMs of the heap-in-use peak over a forward, bytes
     */
    record Row(String width, String variant, int tokens, int hidden, int depth, long parameters, int jvms,
               double[] seconds, double rssGrowth, double rssPeak, double heapPeak) {
        int imagePx() {
            return 8 * ForwardProbe.latentSide(tokens);
        }

        double medianSeconds() {
            return Measurement.median(seconds);
        }

        double imagesPerSecond() {
            return 1 / medianSeconds();
        }
    }

    private Report() {}

    static List<Row> aggregate(List<Measurement> ms) {
        Map<String, List<Measurement>> groups = ms.stream().collect(Collectors.groupingBy(
                m -> m.width() + " " + m.variant() + " " + m.tokens(), LinkedHashMap::new, Collectors.toList()));
        List<Row> rows = new ArrayList<>();
        for (List<Measurement> g : groups.values()) {
            Measurement f = g.get(0);
            double[] secs = g.stream().flatMapToDouble(m -> Arrays.stream(m.seconds())).toArray();
            rows.add(new Row(f.width(), f.variant(), f.tokens(), f.hidden(), f.depth(), f.parameters(), g.size(), secs,
                    Measurement.median(g.stream().mapToDouble(Measurement::rssGrowth).toArray()),
                    Measurement.median(g.stream().mapToDouble(Measurement::rssPeak).toArray()),
                    Measurement.median(g.stream().mapToDouble(Measurement::heapPeak).toArray())));
        }
        return rows;
    }

    static void writeCsv(Path file, List<Row> rows) {
        StringBuilder b = new StringBuilder("width,variant,tokens,image_px,hidden,depth,parameters,jvms,forwards,"
                + "median_s_per_forward,images_per_s,min_s,max_s,rss_growth_mb,rss_peak_mb,heap_peak_mb,seconds\n");
        for (Row r : rows) {
            double[] s = r.seconds();
            b.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%.4f,%.4f,%.4f,%.4f,%.1f,%.1f,%.1f,%s%n",
                    r.width(), r.variant(), r.tokens(), r.imagePx(), r.hidden(), r.depth(), r.parameters(), r.jvms(),
                    s.length, r.medianSeconds(), r.imagesPerSecond(), Arrays.stream(s).min().orElse(0),
                    Arrays.stream(s).max().orElse(0), r.rssGrowth() / MB, r.rssPeak() / MB, r.heapPeak() / MB,
                    Arrays.stream(s).mapToObj(x -> String.format(Locale.ROOT, "%.4f", x)).collect(Collectors.joining(";"))));
        }
        write(file, b.toString());
    }

    /** Rows back from a CSV of {@link #writeCsv}, to redraw the table and plot without measuring again. */
    static List<Row> readCsv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f.length != 17) throw new IllegalArgumentException(file + ": expected 17 columns, got: " + line);
            double[] secs = Arrays.stream(f[16].split(";")).mapToDouble(Double::parseDouble).toArray();
            rows.add(new Row(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                    Long.parseLong(f[6]), Integer.parseInt(f[7]), secs, Double.parseDouble(f[13]) * MB,
                    Double.parseDouble(f[14]) * MB, Double.parseDouble(f[15]) * MB));
        }
        return rows;
    }

    /** One line per (width, tokens): the two variants side by side. */
    static String markdownTable(List<Row> rows) {
        StringBuilder b = new StringBuilder("| width | tokens | image | hybrid s/fwd | attention s/fwd | hybrid img/s"
                + " | attention img/s | hybrid / attention time | Mamba share of hybrid time | hybrid peak RSS MB"
                + " | attention peak RSS MB | hybrid heap peak MB | attention heap peak MB |\n"
                + "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Row h : rows) {
            if (!h.variant().equals(Variant.HYBRID.label)) continue;
            Optional<Row> match = rows.stream().filter(r -> r.variant().equals(Variant.ATTENTION.label)
                    && r.width().equals(h.width()) && r.tokens() == h.tokens()).findFirst();
            if (match.isEmpty()) continue;
            Row a = match.get();
            double ratio = h.medianSeconds() / a.medianSeconds();
            b.append(String.format(Locale.ROOT, "| %s (%d x %d) | %d | %d px | %.3f | %.3f | %.3f | %.3f | %.2f | %.0f %% "
                            + "| %.0f | %.0f | %.0f | %.0f |%n",
                    h.width(), h.hidden(), h.depth(), h.tokens(), h.imagePx(), h.medianSeconds(), a.medianSeconds(),
                    h.imagesPerSecond(), a.imagesPerSecond(), ratio, 100 * (1 - 1 / ratio), h.rssGrowth() / MB,
                    a.rssGrowth() / MB, h.heapPeak() / MB, a.heapPeak() / MB));
        }
        return b.toString();
    }

    static void writeMarkdown(Path file, List<Row> rows, HybridVsAttention.Options o, String date) {
        String cpu = cpuName();
        String s = "### Hybrid (attention:Mamba 1:1) versus pure attention, equal width and depth\n\n"
                + "Measured " + date + " on " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, JDK "
                + Runtime.version() + ", CPU backend, batch 1, f32, " + o.captionTokens() + " caption tokens x "
                + o.captionChannels() + " channels. `hybrid` is Dimba (a bidirectional Mamba layer after every"
                + " DimbaBlock); `attention` is the same DimbaBlocks with the Mamba layers removed (PixArt-style,"
                + " `Dimba.attentionOnly`). Widths: " + o.widths().stream().map(w -> w.label() + " = hidden " + w.hidden()
                + ", " + w.heads() + " heads, depth " + w.depth()).collect(Collectors.joining("; ")) + "; random weights."
                + " Each (width, variant, tokens) ran in its own fresh JVMs (-Xmx" + o.heap() + "; " + o.rounds()
                + " JVMs per variant below " + HybridVsAttention.Options.LARGE + " tokens, " + o.largeRounds()
                + " from there on), the two"
                + " variants alternating; each JVM ran " + o.warmup() + " warm-up forwards on min(tokens, "
                + ForwardProbe.WARMUP_MAX_TOKENS + ") tokens, then " + (o.reps() > 0 ? o.reps() + " timed forwards"
                : "3 timed forwards up to 1024 tokens, 2 at 4096, 1 from 16384 on") + ";"
                + " the machine is shared and noisy, so times are medians over all timed forwards and memory is the"
                + " median over the JVMs.\n\n"
                + markdownTable(rows)
                + "\n- *s/fwd*: median seconds per forward; *img/s* = 1 / that (one denoiser evaluation of one image)."
                + "\n- *Mamba share*: 1 - attention/hybrid time, the part of the hybrid's time its Mamba layers take."
                + "\n- *peak RSS*: the process's VmHWM after the forwards minus its VmRSS just before the first one"
                + " (weights and inputs already resident): what running forwards adds to the process. With the JVM's"
                + " default G1 collector this also reflects how far G1 lets the heap grow before collecting, which"
                + " dominates below about 1 GB."
                + "\n- *heap peak*: the Java heap pools' peak use during one forward minus the use before it (after a"
                + " full GC); it includes garbage not yet collected, so it is an upper bound on live memory."
                + "\n- Self-attention costs O(n^2) in the token count n (every token scores every other), a Mamba layer"
                + " O(n) (one scan per direction), so in theory the Mamba layers' share of the hybrid's time shrinks as"
                + " n grows."
                + " The CPU attention kernel is flash-style (it never holds the n x n score matrix), so memory grows"
                + " about linearly for both variants here; a naive attention would hold heads x n^2 floats per layer, "
                + naiveScores(o) + "."
                + "\n\nCommand: `" + o.command() + "` (CSV: `bench/results/hybrid-vs-attention-" + date + ".csv`,"
                + " plot: `bench/results/hybrid-vs-attention.png`).\n";
        write(file, s);
    }

    /** The n x n score matrices a non-flash attention would materialise, at the largest token count of each width. */
    private static String naiveScores(HybridVsAttention.Options o) {
        return o.widths().stream().filter(w -> !w.tokens().isEmpty()).map(w -> {
            long n = w.tokens().stream().mapToLong(Integer::longValue).max().orElseThrow();
            return String.format(Locale.ROOT, "%.0f MB for width %s at %d tokens", 4.0 * w.heads() * n * n / MB,
                    w.label(), n);
        }).collect(Collectors.joining(", "));
    }

    private static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | UncheckedIOException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
