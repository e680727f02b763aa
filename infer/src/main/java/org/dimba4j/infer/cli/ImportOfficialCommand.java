package org.dimba4j.infer.cli;

import org.dimba4j.infer.parity.OfficialConfigDeriver.Overrides;
import org.dimba4j.infer.parity.OfficialImport;
import org.dimba4j.infer.parity.OfficialVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code dimba import-official --checkpoint dimba-l-512.pt --t5 DIR --vae DIR -o DIR}. */
@Command(name = "import-official", mixinStandardHelpOptions = true,
        description = {"Assemble a model folder from the official Dimba release (Hugging Face feizhengcong/Dimba):",
                "the checkpoint (.pt, weights under 'state_dict'), its t5/ and vae/ folders. Released sizes",
                "(dimba-l-512, dimba-l-1024, dimba-g-512, dimba-g-1024) are recognised from the tensor shapes."})
public final class ImportOfficialCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "official checkpoint, e.g. dimba-l-512.pt")
    Path checkpoint;

    @Option(names = "--t5", required = true, paramLabel = "DIR", description = "the release's t5/ folder (T5 encoder + tokenizer)")
    Path t5;

    @Option(names = "--vae", required = true, paramLabel = "DIR", description = "the release's vae/ folder (diffusers AutoencoderKL)")
    Path vae;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "model folder to create")
    Path out;

    @Option(names = "--variant", paramLabel = "NAME", description = "dimba-l-512, dimba-l-1024, dimba-g-512 or dimba-g-1024 "
            + "(needed only when the checkpoint has no pos_embed; checked against the shapes)")
    String variant;

    @Option(names = "--num-heads", paramLabel = "N", description = "attention heads, for a checkpoint that is not a released size")
    Integer numHeads;

    @Option(names = "--image-size", paramLabel = "PX", description = "training resolution in pixels (default: from pos_embed)")
    Integer imageSize;

    @Option(names = "--pe-interpolation", paramLabel = "X", description = "default: image size / 512, as the official script")
    Double peInterpolation;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        Overrides ov = new Overrides(variant == null ? null : OfficialVariant.parse(variant),
                numHeads == null ? OptionalInt.empty() : OptionalInt.of(numHeads),
                imageSize == null ? OptionalInt.empty() : OptionalInt.of(imageSize),
                peInterpolation == null ? OptionalDouble.empty() : OptionalDouble.of(peInterpolation));
        OfficialImport.run(new OfficialImport.Options(checkpoint, t5, vae, out, ov));
        System.err.printf("[dimba4j] import-official: model folder %s ready in %.1f s%n", out,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
