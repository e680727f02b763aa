package org.dimba4j.io;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.ShardedSafetensors;
import org.dimba4j.io.torch.TorchCheckpoint;
import org.dimba4j.kernels.DType;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Human-readable listings of a checkpoint (what {@code dimba inspect} prints): a header with the format, counts and
 * metadata, then one aligned line per tensor (name, dtype, shape, bytes).
 */
public final class CheckpointReport {
    private CheckpointReport() {}

    /** Counts over a source: tensors, parameters (elements), bytes, and tensors per dtype. */
    public record Totals(int tensors, long parameters, long bytes, Map<DType, Integer> dtypes) {
        public static Totals of(TensorSource s) {
            long params = 0, bytes = 0;
            Map<DType, Integer> dtypes = new TreeMap<>();
            for (String n : s.names()) {
                TensorInfo i = s.info(n);
                params += i.numel();
                bytes += i.byteSize();
                dtypes.merge(i.dtype(), 1, Integer::sum);
            }
            return new Totals(s.names().size(), params, bytes, dtypes);
        }

        /** "F32 x 12, BF16 x 900". */
        public String dtypeSummary() {
            List<String> parts = new ArrayList<>();
            dtypes.forEach((d, n) -> parts.add(d + " x " + n));
            return String.join(", ", parts);
        }
    }

    /** A short name of the format ("safetensors", "sharded safetensors, 3 shards", "torch zip checkpoint"). */
    public static String format(TensorSource s) {
        return switch (s) {
            case SafetensorsFile f -> "safetensors";
            case ShardedSafetensors sh -> "sharded safetensors, " + sh.shardCount() + " shards";
            case TorchCheckpoint t -> "torch zip checkpoint";
            default -> s.getClass().getSimpleName();
        };
    }

    /** The full listing of one checkpoint. */
    public static void print(TensorSource s, PrintWriter out) {
        Totals t = Totals.of(s);
        out.println("file: " + s.description() + " (" + format(s) + ")");
        out.printf("tensors: %d, parameters: %,d, bytes: %,d, dtypes: %s%n", t.tensors(), t.parameters(), t.bytes(), t.dtypeSummary());
        if (s instanceof TorchCheckpoint tc && tc.tensorKeys().size() > 1) {
            List<String> keys = new ArrayList<>();
            tc.tensorKeys().forEach((k, n) -> keys.add((k.isEmpty() ? "(top level)" : k) + " (" + n + ")"));
            out.println("keys holding tensors: " + String.join(", ", keys) + "; choose with --key");
        }
        if (!s.metadata().isEmpty()) {
            out.println("metadata:");
            s.metadata().forEach((k, v) -> out.println("  " + k + ": " + v));
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "DTYPE", "SHAPE", "BYTES"});
        for (String n : s.names()) {
            TensorInfo i = s.info(n);
            rows.add(new String[] {n, i.dtype().name(), Arrays.toString(i.shape()), Long.toString(i.byteSize())});
        }
        int[] w = new int[4];
        for (String[] r : rows) for (int c = 0; c < 4; c++) w[c] = Math.max(w[c], r[c].length());
        for (String[] r : rows) {
            out.println(String.format("%-" + w[0] + "s  %-" + w[1] + "s  %-" + w[2] + "s  %" + w[3] + "s", (Object[]) r).stripTrailing());
        }
        out.flush();
    }
}
