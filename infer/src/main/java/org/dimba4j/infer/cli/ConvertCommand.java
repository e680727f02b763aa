package org.dimba4j.infer.cli;

import org.dimba4j.io.CheckpointException;
import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.io.torch.TorchCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dimba convert IN OUT.safetensors}: rewrites a checkpoint (typically the official torch .pt) as safetensors.
 * Tensors stream one at a time from the mapped input to a temp file renamed into place at the end, so memory stays
 * bounded by the largest non-contiguous tensor and a failed run leaves no partial output.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a torch .pt/.pth/.bin zip checkpoint (or any checkpoint dimba reads) to .safetensors,",
                "keeping tensor names and dtypes. Nested checkpoints: the weights under 'state_dict' unless --key says otherwise."})
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "input checkpoint (file or folder)")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.safetensors", description = "output file (written atomically)")
    Path out;

    @Option(names = "--key", paramLabel = "KEY", description = "torch checkpoints: which dict holds the weights (state_dict, ema, ...)")
    String key;

    /** What dtype the output tensors get. */
    enum DTypePolicy { keep, f32 }

    @Option(names = "--dtype", paramLabel = "keep|f32", defaultValue = "keep",
            description = "keep: each tensor's own dtype (default); f32: widen floating-point tensors to F32")
    DTypePolicy dtype;

    @Override
    public Integer call() throws java.io.IOException {
        boolean keep = dtype == DTypePolicy.keep;
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new CheckpointException("output " + out + " is the input file");
        }
        long t0 = System.nanoTime();
        try (TensorSource src = Checkpoints.open(in, key)) {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", "pt");
            metadata.put("converted_from", in.getFileName().toString());
            if (src instanceof TorchCheckpoint tc && !tc.selectedKey().isEmpty()) metadata.put("source_key", tc.selectedKey());
            src.metadata().forEach(metadata::putIfAbsent);
            System.err.println("[dimba] converting " + src.names().size() + " tensors from " + src.description() + " to " + out);
            SafetensorsWriter.write(out, src, metadata, keep);
            System.err.printf("[dimba] wrote %s (%,d bytes) in %.2f s%n", out, Files.size(out), (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
