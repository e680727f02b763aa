package org.dimba4j.train.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.FileTrees;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaInit;
import org.dimba4j.model.dimba.DimbaKeys;
import org.dimba4j.model.vae.VaeConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --stage adapt-resolution --from CKPT --size S}: the paper's resolution adaptation, done as PixArt-alpha and
 * feizc/Dimba do it. The official model is built again at the new latent size ({@code scripts/train.py}:
 * {@code latent_size = image_size // 8}, {@code build_model(..., input_size=latent_size, pe_interpolation=...)}), so
 * its {@code base_size = input_size // patch_size} ({@code diffusion/model/nets/dit.py}, {@code DiT.__init__}) is the
 * new token grid; the lower-resolution checkpoint is loaded with its {@code pos_embed} deleted
 * ({@code diffusion/utils/checkpoint.py}, {@code load_checkpoint}), every other tensor unchanged; and
 * {@code pe_interpolation} grows with the image side: {@code {512: 1, 1024: 2, 2048: 4}} in
 * {@code scripts/inference.py}, {@code pe_interpolation = 2.0} in PixArt-alpha's {@code PixArt_xl2_img1024_*.py}
 * configs, i.e. {@code image_size / 512} for models whose base is 512 px at interpolation 1. For a base other than
 * 512 px the same rule reads {@code pe_interpolation_new = pe_interpolation_old * S / S_old}: the sin-cos coordinates
 * {@code i / (n / base_size) / pe_interpolation} then span the range the model was trained on.
 *
 * <p>The adapted model folder is {@code RUN/init/}: the source's tokenizer, text encoder, VAE and model_index.json
 * (hard-linked), and {@code transformer/} with the adapted config and the same weights, {@code pos_embed} (a buffer
 * the forward recomputes, the one tensor whose shape depends on the input size) refilled at the new grid as the
 * official constructor fills it. The run's model is that folder, so the data is read at size S and every checkpoint
 * carries the adapted config. Written aside and renamed.
 */
public final class ResolutionAdaptation {
    public static final String STAGE = "adapt-resolution";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResolutionAdaptation() {}

    /** What {@link #check} found: the source model's transformer config and the adapted one. */
    public record Plan(DimbaConfig original, DimbaConfig adapted, int originalSize, int downsampling) {}

    /**
     * Checks {@code from} (a model folder: transformer config and weights, VAE config) and {@code size} against it,
     * naming the problem, before anything is written or read at length.
     */
    public static Plan check(Path from, int size) {
        if (from == null) throw new IllegalArgumentException("--stage adapt-resolution needs --from CKPT (a model folder)");
        for (String part : new String[] {"transformer/config.json", "vae/config.json"}) {
            if (!Files.isRegularFile(from.resolve(part))) {
                throw new IllegalArgumentException("--from " + from + " is not a model folder: no " + part
                        + " (give a folder that 'dimba generate --model' loads, e.g. RUN/checkpoints/step-N or RUN/best)");
            }
        }
        try {
            Checkpoints.find(from.resolve("transformer"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--from " + from + " is not a model folder: " + e.getMessage(), e);
        }
        DimbaConfig c = DimbaConfig.load(from.resolve("transformer/config.json"));
        int down = VaeConfig.load(from.resolve("vae/config.json")).downsampleFactor();
        int original = c.inputSize() * down, unit = down * c.patchSize();
        if (size <= 0 || size % unit != 0) {
            throw new IllegalArgumentException("--size " + size + " must be a positive multiple of " + unit
                    + " (the VAE's downsampling " + down + " times the patch size " + c.patchSize() + ")");
        }
        if (size == original) {
            throw new IllegalArgumentException("--size " + size + " is the size " + from + " was trained at; "
                    + "adapt-resolution needs another size (train at the same size with --stage pretrain --model " + from + ")");
        }
        DimbaConfig adapted = c.toBuilder().inputSize(size / down)
                .peInterpolation(c.peInterpolation() * size / original).build();
        checkOnlyPosEmbedDepends(c, adapted);
        return new Plan(c, adapted, original, down);
    }

    /**
     * No trained tensor depends on the input size (convolutions, linears, norms and the Mamba layers act per token);
     * only the pos_embed buffer does. Checked by name and shape, so that a model with a size-dependent parameter
     * fails here instead of loading wrongly.
     */
    static void checkOnlyPosEmbedDepends(DimbaConfig a, DimbaConfig b) {
        Map<String, int[]> ea = DimbaKeys.expected(a), eb = DimbaKeys.expected(b);
        if (!ea.keySet().equals(eb.keySet())) throw new IllegalStateException("tensor names change with the input size");
        for (var e : ea.entrySet()) {
            if (!e.getKey().equals(DimbaKeys.POS_EMBED) && !Arrays.equals(e.getValue(), eb.get(e.getKey()))) {
                throw new IllegalStateException("tensor " + e.getKey() + " changes shape with the input size: "
                        + Shape.str(e.getValue()) + " vs " + Shape.str(eb.get(e.getKey())));
            }
        }
    }

    /** Writes {@code RUN/init/} (see the class comment); refuses a folder that holds a run. Returns the model folder. */
    public static Path write(Path runDir, Path from, int size) {
        Plan plan = check(from, size);
        if (Files.exists(runDir.resolve(RunSettings.FILE))) {
            throw new IllegalArgumentException(runDir + " already holds a training run; continue it with --resume " + runDir);
        }
        Path aside = runDir.resolve(InitialWeights.FOLDER + ".tmp"), target = runDir.resolve(InitialWeights.FOLDER);
        try {
            FileTrees.delete(aside);
            Path t = Files.createDirectories(aside.resolve("transformer"));
            ObjectNode json = (ObjectNode) JSON.readTree(from.resolve("transformer/config.json").toFile());
            json.put("input_size", plan.adapted().inputSize());
            json.put("pe_interpolation", plan.adapted().peInterpolation());
            Files.writeString(t.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
            try (TensorSource src = Checkpoints.open(from.resolve("transformer"))) {
                Map<String, Tensor> weights = new LinkedHashMap<>();
                for (String n : src.names()) {
                    weights.put(n, n.equals(DimbaKeys.POS_EMBED) ? DimbaInit.posEmbed(plan.adapted()) : src.get(n));
                }
                SafetensorsWriter.writeKeepingDTypes(t.resolve(RunCheckpoints.WEIGHTS), weights,
                        Map.of("format", "pt", "dimba4j.adapted-from", from + " at " + plan.originalSize() + " px"));
            }
            for (String part : RunCheckpoints.MODEL_PARTS) {
                Path src = from.resolve(part);
                if (Files.exists(src)) RunCheckpoints.linkTree(src, aside.resolve(part));
            }
            FileTrees.delete(target); // an earlier start that died before train.json: the same inputs, the same folder
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the adapted model in " + target + ": " + e.getMessage(), e);
        }
        return target;
    }
}
