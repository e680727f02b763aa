package org.dimba4j.infer.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.io.tokenizer.WordUnigramWriter;
import org.dimba4j.kernels.DType;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.dimba.DimbaInit;
import org.dimba4j.model.t5.T5Config;
import org.dimba4j.model.t5.T5EncoderFolder;
import org.dimba4j.model.t5.T5Init;
import org.dimba4j.model.vae.SyntheticVaeWeights;
import org.dimba4j.model.vae.VaeConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A complete model folder from scratch ({@code dimba init-model}): {@code tokenizer/} (the preset's closed
 * vocabulary), {@code text_encoder/} (a T5 encoder at transformers' initialisation, frozen), {@code vae/} (copied from a
 * given VAE folder, else random weights of the preset's config), {@code transformer/} (the official Dimba
 * initialisation for the VAE's latent size) and {@code model_index.json}. Written as {@code DIR.tmp}, then renamed.
 *
 * @param out    the folder to create (must not exist)
 * @param seed   every random draw (T5, transformer, random VAE) derives from it
 * @param vae    a trained VAE: a diffusers {@code vae/} folder or a model folder holding one; null for a random one
 * @param mambaLayers false writes the transformer without its {@code mamba_blocks.*} tensors: the attention-only
 *               (PixArt-style) stack of the paper's hybrid-versus-attention comparison, which every loader recognises
 *               by their absence (the other tensors are the hybrid's, draw for draw)
 * @param textEncoderBiasStd the std of the frozen T5's {@code relative_attention_bias} ({@link ShapesPreset#textEncoderBiasStd()}:
 *               transformers' own; {@link ShapesPreset#ORDER_AWARE_BIAS_STD} for an encoder that tells word order)
 */
public record InitialModelFolder(Path out, long seed, Path vae, boolean mambaLayers, double textEncoderBiasStd) {
    static final String VAE_WEIGHTS = "diffusion_pytorch_model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Checks the arguments before anything is written; returns the VAE folder to copy (null: random). */
    public Path vaeFolder() {
        if (Files.exists(out)) throw new IllegalArgumentException(out + " already exists; init-model writes a new folder");
        if (vae == null) return null;
        Path dir = Files.isRegularFile(vae.resolve("config.json")) ? vae : vae.resolve("vae");
        if (!Files.isRegularFile(dir.resolve("config.json")) || !Files.isRegularFile(dir.resolve(VAE_WEIGHTS))) {
            throw new IllegalArgumentException("--vae " + vae + ": neither it nor its vae/ holds config.json and " + VAE_WEIGHTS);
        }
        return dir;
    }

    /** Writes the folder; returns a one-line summary per component. */
    public String write() {
        Path vaeDir = vaeFolder();
        VaeConfig vaeConfig = vaeDir == null ? ShapesPreset.vae() : VaeConfig.load(vaeDir.resolve("config.json"));
        int factor = vaeConfig.downsampleFactor();
        if (ShapesPreset.IMAGE_SIZE % (2 * factor) != 0) {
            throw new IllegalArgumentException("the VAE downsamples by " + factor + ": " + ShapesPreset.IMAGE_SIZE
                    + "-px images give no latent that patch 2 divides");
        }
        int latent = ShapesPreset.IMAGE_SIZE / factor;
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        StringBuilder summary = new StringBuilder();
        try {
            delete(tmp);
            Files.createDirectories(tmp);
            int vocab = WordUnigramWriter.write(tmp.resolve("tokenizer"), ShapesPreset.WORDS, ShapesPreset.MODEL_MAX_LENGTH);
            summary.append(String.format("tokenizer: %d pieces (%d words)%n", vocab, ShapesPreset.WORDS.size()));

            T5Config t5 = ShapesPreset.textEncoder(vocab);
            boolean officialBias = textEncoderBiasStd == T5Init.officialRelativeAttentionBiasStd(t5);
            var t5Weights = T5Init.initialise(t5, seed, textEncoderBiasStd);
            T5EncoderFolder.write(tmp.resolve("text_encoder"), t5, t5Weights,
                    Map.of("dimba4j.init", "transformers T5 _init_weights (T5Init), seed " + seed
                            + (officialBias ? "" : ", relative_attention_bias std " + textEncoderBiasStd)));
            summary.append(String.format("text_encoder: T5 %d layers x %d, %,d parameters (random, frozen; position bias std %s)%n",
                    t5.numLayers(), t5.dModel(), count(t5Weights), officialBias ? "d_model^-1/2, as transformers" : textEncoderBiasStd));

            Path v = Files.createDirectories(tmp.resolve("vae"));
            if (vaeDir != null) {
                Files.copy(vaeDir.resolve("config.json"), v.resolve("config.json"));
                Files.copy(vaeDir.resolve(VAE_WEIGHTS), v.resolve(VAE_WEIGHTS));
                summary.append("vae: copied from ").append(vaeDir).append(String.format(" (%dx down, latent %d)%n", factor, latent));
            } else {
                Files.writeString(v.resolve("config.json"), vaeConfig.toJson() + "\n");
                SafetensorsWriter.write(v.resolve(VAE_WEIGHTS), new SyntheticVaeWeights(vaeConfig, DType.F32, seed),
                        Map.of("dimba4j.init", "random (SyntheticVaeWeights), seed " + seed), false);
                summary.append(String.format("vae: random, %dx down, latent %d (train one with dimba train-vae)%n", factor, latent));
            }

            DimbaConfig dimba = ShapesPreset.transformer(latent, vaeConfig.latentChannels(), t5.dModel());
            Path t = Files.createDirectories(tmp.resolve("transformer"));
            ObjectNode cfg = (ObjectNode) JSON.readTree(dimba.toJson());
            ObjectNode withClass = JSON.createObjectNode().put("_class_name", "Dimba");
            withClass.setAll(cfg);
            Files.writeString(t.resolve("config.json"), JSON.writeValueAsString(withClass) + "\n");
            var dimbaWeights = DimbaInit.initialise(dimba, seed, mambaLayers);
            SafetensorsWriter.write(t.resolve("model.safetensors"), dimbaWeights,
                    Map.of("dimba4j.init", "official Dimba initialisation (DimbaInit), seed " + seed));
            summary.append(String.format("transformer: %s hidden %d, depth %d, %d tokens, %,d parameters (official init)%n",
                    mambaLayers ? "Dimba" : "attention-only Dimba (no Mamba layers)", dimba.hiddenSize(), dimba.depth(),
                    (latent / 2) * (latent / 2), count(dimbaWeights)));

            ObjectNode index = JSON.createObjectNode().put("_class_name", "DimbaPipeline")
                    .put("_dimba4j_note", "made by dimba init-model --preset " + ShapesPreset.NAME + " --seed " + seed
                            + (vaeDir == null ? "" : " --vae " + vaeDir) + (mambaLayers ? "" : " --attention-only")
                            + (officialBias ? "" : " --t5-bias-std " + textEncoderBiasStd));
            index.putArray("text_encoder").add("transformers").add("T5EncoderModel");
            index.putArray("tokenizer").add("transformers").add("PreTrainedTokenizerFast");
            index.putArray("transformer").add("dimba4j").add("Dimba");
            index.putArray("vae").add("diffusers").add("AutoencoderKL");
            Files.writeString(tmp.resolve("model_index.json"), JSON.writeValueAsString(index) + "\n");
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            long bytes = size(out);
            summary.append(String.format("folder: %.1f MB%s%n", bytes / 1e6, bytes > ShapesPreset.FOLDER_BUDGET_BYTES
                    ? " -- over the " + ShapesPreset.FOLDER_BUDGET_BYTES / 1000000 + " MB a bundled model may weigh (a smaller VAE?)" : ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model folder " + out + ": " + e.getMessage(), e);
        }
        return summary.toString();
    }

    private static long count(Map<String, org.dimba4j.kernels.Tensor> w) {
        return w.values().stream().mapToLong(org.dimba4j.kernels.Tensor::numel).sum();
    }

    /** Bytes of every file under {@code dir}. */
    public static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            long n = 0;
            for (Path q : s.filter(Files::isRegularFile).toList()) n += Files.size(q);
            return n;
        }
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
