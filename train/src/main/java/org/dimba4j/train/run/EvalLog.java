package org.dimba4j.train.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** {@code RUN/eval.csv}: {@code step,eval_loss}, one row per eval; rewritten atomically (it is small). */
final class EvalLog {
    static final String FILE = "eval.csv", HEADER = "step,eval_loss";

    private EvalLog() {}

    static void append(Path runDir, int step, double loss) {
        List<String> rows = rows(runDir);
        rows.add(step + "," + loss);
        write(runDir, rows);
    }

    /** Drops the rows after {@code step} (a resumed run evals them again). */
    static void truncateAfter(Path runDir, int step) {
        if (!Files.exists(runDir.resolve(FILE))) return;
        List<String> keep = new ArrayList<>();
        for (String r : rows(runDir)) if (Integer.parseInt(r.substring(0, r.indexOf(','))) <= step) keep.add(r);
        write(runDir, keep);
    }

    private static List<String> rows(Path runDir) {
        Path f = runDir.resolve(FILE);
        try {
            if (!Files.exists(f)) return new ArrayList<>();
            List<String> lines = new ArrayList<>(Files.readAllLines(f));
            if (!lines.isEmpty() && lines.getFirst().equals(HEADER)) lines.removeFirst();
            lines.removeIf(String::isBlank);
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path runDir, List<String> rows) {
        Path f = runDir.resolve(FILE), tmp = runDir.resolve(FILE + ".tmp");
        try {
            Files.writeString(tmp, HEADER + "\n" + String.join("\n", rows) + (rows.isEmpty() ? "" : "\n"));
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }
}
