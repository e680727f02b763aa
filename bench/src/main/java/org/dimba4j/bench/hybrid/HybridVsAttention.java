package org.dimba4j.bench.hybrid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The paper's throughput/memory claim, reproduced on the CPU backend: Dimba (attention:Mamba 1:1) against the same
 * DimbaBlocks with the Mamba layers removed (a PixArt-style pure-attention stack) at equal width and depth, batch 1,
 * for token counts 256..16384 (latents of 256..2048 px). Each (width, variant, tokens) runs in a fresh JVM
 * ({@link ForwardProbe}); the two variants alternate (hybrid first in even rounds, attention first in odd ones) so
 * that the load of a shared machine falls on both alike; medians are reported. Writes the CSV, a markdown table and
 * a PNG plot under {@code --out}.
 * <pre>
 *   java -cp bench/target/benchmarks.jar org.dimba4j.bench.hybrid.HybridVsAttention [--rounds 2] [--reps auto]
 *        [--tokens 256,1024,4096,16384] [--l-tokens 256,1024] [--out bench/results]
 * </pre>
 */
public final class HybridVsAttention {
    /** A model width: label, hidden size, heads, depth. */
    record Width(String label, int hidden, int heads, int depth, List<Integer> tokens) {}

    /**
     * @param rounds JVMs per variant and token count, below {@link #LARGE} tokens ({@link #rounds(int)})
     * @param reps   timed forwards per JVM, or 0 for "auto" ({@link #reps(int)})
     */
    record Options(List<Width> widths, int rounds, int largeRounds, int warmup, int reps, int captionTokens,
                   int captionChannels, String heap, Path out, String command, Path fromCsv) {
        /** From this token count on one forward takes minutes on 2 cores: {@code largeRounds} JVMs per variant. */
        static final int LARGE = 16384;

        int rounds(int tokens) {
            return tokens >= LARGE ? largeRounds : rounds;
        }

        /** Auto: 3 timed forwards up to 1024 tokens, 2 at 4096, 1 from 16384 on. */
        int reps(int tokens) {
            if (reps > 0) return reps;
            return tokens <= 1024 ? 3 : tokens < LARGE ? 2 : 1;
        }
    }

    private HybridVsAttention() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Options o = parse(args);
        if (o.fromCsv() != null) { // redraw only
            List<Report.Row> rows = Report.readCsv(o.fromCsv());
            String date = o.fromCsv().getFileName().toString().replaceAll("^hybrid-vs-attention-|\\.csv$", "");
            Report.writeMarkdown(o.out().resolve("hybrid-vs-attention.md"), rows, o, date);
            LogLogPlot.write(o.out().resolve("hybrid-vs-attention.png"), rows);
            System.out.print(Report.markdownTable(rows));
            return;
        }
        List<Measurement> results = new ArrayList<>();
        for (Width w : o.widths()) {
            for (int tokens : w.tokens()) {
                for (int round = 0; round < o.rounds(tokens); round++) {
                    List<Variant> order = round % 2 == 0 ? List.of(Variant.HYBRID, Variant.ATTENTION)
                            : List.of(Variant.ATTENTION, Variant.HYBRID);
                    for (Variant v : order) results.add(probe(o, w, v, tokens));
                }
            }
        }
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        List<Report.Row> rows = Report.aggregate(results);
        Path csv = o.out().resolve("hybrid-vs-attention-" + date + ".csv");
        Report.writeCsv(csv, rows);
        Report.writeMarkdown(o.out().resolve("hybrid-vs-attention.md"), rows, o, date);
        LogLogPlot.write(o.out().resolve("hybrid-vs-attention.png"), rows);
        System.err.println("wrote " + csv + ", hybrid-vs-attention.md and hybrid-vs-attention.png in " + o.out());
        System.out.print(Report.markdownTable(rows));
    }

    private static Measurement probe(Options o, Width w, Variant v, int tokens) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx" + o.heap(), "-cp", System.getProperty("java.class.path")));
        String threads = System.getProperty("dimba.threads");
        if (threads != null) cmd.add("-Ddimba.threads=" + threads);
        cmd.addAll(List.of(ForwardProbe.class.getName(), w.label(), "" + w.hidden(), "" + w.depth(), "" + w.heads(),
                v.label, "" + tokens, "" + o.warmup(), "" + o.reps(tokens), "" + o.captionTokens(), "" + o.captionChannels()));
        System.err.printf("%s %s %d tokens (fresh JVM)%n", w.label(), v.label, tokens);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Measurement m = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(Measurement.PREFIX)) m = Measurement.parse(line);
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || m == null) {
            throw new IllegalStateException("probe " + w.label() + " " + v.label + " " + tokens + " tokens failed (exit "
                    + rc + "): " + String.join(" ", cmd));
        }
        return m;
    }

    static Options parse(String[] args) {
        List<Integer> sTokens = List.of(256, 1024, 4096, 16384), lTokens = List.of(256, 1024);
        int rounds = 2, largeRounds = 1, warmup = 2, reps = 0, captionTokens = 120, captionChannels = 4096;
        String heap = "6g";
        Path out = Path.of("bench/results"), fromCsv = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--tokens" -> sTokens = ints(a, v);
                case "--l-tokens" -> lTokens = v.equals("none") ? List.of() : ints(a, v);
                case "--rounds" -> rounds = positive(a, v);
                case "--large-rounds" -> largeRounds = positive(a, v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--reps" -> reps = v.equals("auto") ? 0 : positive(a, v);
                case "--caption-tokens" -> captionTokens = positive(a, v);
                case "--heap" -> heap = v;
                case "--out" -> out = Path.of(v);
                case "--from-csv" -> fromCsv = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a + " (--tokens, --l-tokens, --rounds, --large-rounds,"
                        + " --warmup, --reps, --caption-tokens, --heap, --out, --from-csv)");
            }
        }
        for (int t : sTokens) ForwardProbe.latentSide(t);
        for (int t : lTokens) ForwardProbe.latentSide(t);
        List<Width> widths = new ArrayList<>();
        widths.add(new Width("S", 384, 6, 4, sTokens));
        if (!lTokens.isEmpty()) widths.add(new Width("L", 1152, 16, 4, lTokens));
        List<String> measuring = new ArrayList<>(Arrays.asList(args));
        int at = measuring.indexOf("--from-csv");
        if (at >= 0) measuring.subList(at, at + 2).clear();
        String command = "bench/hybrid-vs-attention.sh" + (measuring.isEmpty() ? "" : " " + String.join(" ", measuring));
        return new Options(widths, rounds, largeRounds, warmup, reps, captionTokens, captionChannels, heap, out, command, fromCsv);
    }

    private static List<Integer> ints(String opt, String v) {
        try {
            return Arrays.stream(v.split(",")).map(String::trim).map(Integer::parseInt).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " takes comma-separated token counts, got '" + v + "'");
        }
    }

    private static int positive(String opt, String v) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " takes a positive integer, got '" + v + "'");
        }
        if (n <= 0) throw new IllegalArgumentException(opt + " takes a positive integer, got " + n);
        return n;
    }
}
