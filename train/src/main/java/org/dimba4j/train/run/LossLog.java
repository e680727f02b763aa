package org.dimba4j.train.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RUN/loss.csv}: one row per update, numbers written exactly (shortest round-trip decimal), no timings, so
 * a resumed run's file equals an uninterrupted run's. Resuming drops the rows after the checkpoint (a killed run may
 * have logged steps it never saved); they are computed again, to the same values.
 */
public final class LossLog {
    public static final String FILE = "loss.csv";
    public static final String HEADER = "step,loss,mse,vb,lr,grad_norm,smoothed_loss";

    /** One row; {@code vb} is NaN without learned sigma. */
    public record Row(int step, float loss, double mse, double vb, double lr, double gradNorm, double smoothedLoss) {
        String csv() {
            return step + "," + loss + "," + mse + "," + (Double.isNaN(vb) ? "" : Double.toString(vb)) + "," + lr + ","
                    + gradNorm + "," + smoothedLoss;
        }

        static Row parse(String line, Path file) {
            String[] f = line.split(",", -1);
            if (f.length != 7) throw new IllegalArgumentException(file + ": bad row '" + line + "' (expected " + HEADER + ")");
            return new Row(Integer.parseInt(f[0]), Float.parseFloat(f[1]), Double.parseDouble(f[2]),
                    f[3].isEmpty() ? Double.NaN : Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]), Double.parseDouble(f[6]));
        }
    }

    private final Path file;

    public LossLog(Path runDir) {
        this.file = runDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    /** Keeps the header and the rows of steps 1..lastStep (creates the file with its header when absent). */
    public void truncateAfter(int lastStep) {
        List<Row> keep = rows().stream().filter(r -> r.step() <= lastStep).toList();
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : keep) sb.append(r.csv()).append('\n');
        try {
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public void append(Row r) {
        try {
            Files.writeString(file, r.csv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    /** The complete rows (a last line cut short by a kill is ignored). */
    public List<Row> rows() {
        if (!Files.exists(file)) return List.of();
        List<Row> out = new ArrayList<>();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String[] lines = text.split("\n", -1);
            for (int i = 1; i < lines.length - 1; i++) out.add(Row.parse(lines[i], file)); // the last piece has no newline
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
