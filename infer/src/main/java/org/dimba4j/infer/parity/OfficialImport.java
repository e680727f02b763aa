package org.dimba4j.infer.parity;

import org.dimba4j.io.FileTrees;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dimba4j.infer.parity.OfficialConfigDeriver.Overrides;
import org.dimba4j.io.Checkpoints;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Assembles a model folder (DESIGN.md, "The model folder") from the official release: the Dimba checkpoint
 * ({@code dimba-l-512.pt}, weights under 'state_dict'), its {@code t5/} folder (T5 encoder and sentencepiece
 * tokenizer in one folder) and {@code vae/} (diffusers AutoencoderKL). Torch pickles are converted to safetensors
 * with their original tensor names; safetensors files are hard-linked where the file system allows, else copied.
 * The folder is built next to the target and renamed into place only when complete.
 */
public final class OfficialImport {
    private static final System.Logger LOG = System.getLogger(OfficialImport.class.getName());

    /** Files of a T5 folder that belong to the tokenizer. */
    static final Set<String> TOKENIZER_FILES = Set.of("spiece.model", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "added_tokens.json");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public record Options(Path checkpoint, Path t5, Path vae, Path out, Overrides overrides) {}

    private OfficialImport() {}

    /** Builds {@code o.out()}; returns the transformer config written. */
    public static Map<String, Object> run(Options o) {
        requireDir(o.t5(), "--t5");
        requireDir(o.vae(), "--vae");
        if (!Files.isRegularFile(o.checkpoint())) {
            throw new IllegalArgumentException("--checkpoint " + o.checkpoint() + " is not a file");
        }
        if (Files.exists(o.out()) && !isEmptyDir(o.out())) {
            throw new IllegalArgumentException("output folder " + o.out() + " exists and is not empty");
        }
        Path work = o.out().toAbsolutePath().resolveSibling(o.out().getFileName() + ".partial");
        deleteTree(work);
        try {
            Files.createDirectories(work);
            Map<String, Object> config = importTransformer(o, work.resolve("transformer"));
            importT5(o.t5(), work.resolve("text_encoder"), work.resolve("tokenizer"),
                    ((Number) config.get("caption_channels")).intValue());
            importVae(o.vae(), work.resolve("vae"), ((Number) config.get("in_channels")).intValue());
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("_class_name", "DimbaPipeline");
            index.put("_dimba4j_imported_from", o.checkpoint().getFileName().toString());
            index.put("text_encoder", List.of("transformers", "T5EncoderModel"));
            index.put("tokenizer", List.of("transformers", "T5Tokenizer"));
            index.put("transformer", List.of("dimba4j", "Dimba"));
            index.put("vae", List.of("diffusers", "AutoencoderKL"));
            JSON.writeValue(work.resolve("model_index.json").toFile(), index);
            if (Files.exists(o.out())) Files.delete(o.out());
            Files.move(work, o.out(), StandardCopyOption.ATOMIC_MOVE);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("import into " + o.out() + " failed: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /** transformer/config.json from the checkpoint's shapes, then the weights as model.safetensors. */
    private static Map<String, Object> importTransformer(Options o, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> config;
        try (TensorSource ckpt = Checkpoints.open(o.checkpoint())) {
            config = OfficialConfigDeriver.derive(ckpt, o.overrides());
            String json = JSON.writeValueAsString(config);
            DimbaConfig parsed = DimbaConfig.parse(json, o.checkpoint() + " (derived config)");
            Object variant = config.get("_official_variant");
            if (variant != null && !parsed.equals(DimbaConfig.named(variant.toString()))) {
                throw new IllegalArgumentException("the config derived from " + o.checkpoint() + " differs from "
                        + variant + ": " + json);
            }
            Files.writeString(dir.resolve("config.json"), json);
            Map<String, Tensor> all = new LinkedHashMap<>();
            for (String n : ckpt.names()) all.put(n, ckpt.get(n));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("source", o.checkpoint().getFileName().toString());
            SafetensorsWriter.write(dir.resolve("model.safetensors"), all, meta);
        }
        log("transformer: " + config.get("depth") + " blocks, hidden " + config.get("hidden_size") + ", "
                + config.getOrDefault("_official_variant", "custom size") + " -> " + dir);
        // every tensor the model needs is present with its shape (Dimba checks them all when it is built)
        try (Backend be = Backends.cpu(); Dimba ignored = Dimba.load(dir, be)) {
            return config;
        }
    }

    /** Splits the release's single t5/ folder into text_encoder/ (model) and tokenizer/. */
    private static void importT5(Path t5, Path encoderDir, Path tokenizerDir, int captionChannels) throws IOException {
        Files.createDirectories(encoderDir);
        Files.createDirectories(tokenizerDir);
        JsonNode cfg = readJson(t5.resolve("config.json"), "--t5");
        int dModel = cfg.path("d_model").asInt(-1);
        if (dModel != captionChannels) {
            throw new IllegalArgumentException("T5 in " + t5 + " has d_model " + dModel + " but the transformer's "
                    + "caption_channels is " + captionChannels);
        }
        boolean tokenizer = false;
        for (Path f : list(t5)) {
            String name = f.getFileName().toString();
            if (TOKENIZER_FILES.contains(name)) {
                linkOrCopy(f, tokenizerDir.resolve(name));
                tokenizer |= name.equals("spiece.model") || name.equals("tokenizer.json");
            }
        }
        if (!tokenizer) throw new IllegalArgumentException("--t5 " + t5 + " has neither spiece.model nor tokenizer.json");
        Files.copy(t5.resolve("config.json"), encoderDir.resolve("config.json"));
        // the encoder needs only the shared embedding and encoder.*: a full T5 checkpoint's decoder is left out
        weights(t5, encoderDir, "model", n -> n.equals("shared.weight") || n.startsWith("encoder."));
        log("text_encoder, tokenizer <- " + t5);
    }

    private static void importVae(Path vae, Path dir, int latentChannels) throws IOException {
        Files.createDirectories(dir);
        JsonNode cfg = readJson(vae.resolve("config.json"), "--vae");
        int z = cfg.path("latent_channels").asInt(4);
        if (z != latentChannels) {
            throw new IllegalArgumentException("VAE in " + vae + " has latent_channels " + z
                    + " but the transformer's in_channels is " + latentChannels);
        }
        Files.copy(vae.resolve("config.json"), dir.resolve("config.json"));
        weights(vae, dir, "diffusion_pytorch_model", n -> true);
        log("vae <- " + vae);
    }

    /**
     * Weights of a Hugging Face folder into {@code dst}: safetensors (single or sharded with their index) are
     * linked/copied; torch pickles ({@code *.bin}, one or several shards) become {@code <stem>.safetensors}
     * or {@code <stem>-0000i-of-0000n.safetensors}, keeping the tensors {@code keep} accepts.
     */
    private static void weights(Path src, Path dst, String stem, java.util.function.Predicate<String> keep)
            throws IOException {
        List<Path> files = list(src);
        List<Path> st = files.stream().filter(p -> p.getFileName().toString().endsWith(".safetensors")
                || p.getFileName().toString().endsWith(".safetensors.index.json")).toList();
        if (!st.isEmpty()) {
            for (Path f : st) linkOrCopy(f, dst.resolve(f.getFileName()));
            return;
        }
        List<Path> bins = files.stream().filter(p -> p.getFileName().toString().endsWith(".bin")).sorted().toList();
        if (bins.isEmpty()) throw new IllegalArgumentException(src + " holds no *.safetensors or *.bin weights");
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (int i = 0; i < bins.size(); i++) {
            String name = bins.size() == 1 ? stem + ".safetensors"
                    : String.format("%s-%05d-of-%05d.safetensors", stem, i + 1, bins.size());
            try (TensorSource s = Checkpoints.open(bins.get(i))) {
                Map<String, Tensor> kept = new LinkedHashMap<>();
                for (String n : s.names()) {
                    if (keep.test(n)) kept.put(n, s.get(n));
                }
                SafetensorsWriter.write(dst.resolve(name), kept, Map.of("format", "pt"));
                for (String n : kept.keySet()) weightMap.put(n, name);
            }
        }
        if (bins.size() > 1) {
            JSON.writeValue(dst.resolve(stem + ".safetensors.index.json").toFile(),
                    Map.of("metadata", Map.of(), "weight_map", weightMap));
        }
    }

    private static void linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to);
        }
    }

    private static JsonNode readJson(Path p, String flag) throws IOException {
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException(flag + " folder " + p.getParent()
                + " has no config.json");
        return JSON.readTree(p.toFile());
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static void requireDir(Path p, String flag) {
        if (!Files.isDirectory(p)) throw new IllegalArgumentException(flag + " " + p + " is not a folder");
    }

    private static boolean isEmptyDir(Path p) {
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path p) {
        try {
            FileTrees.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + p, e);
        }
    }

    private static void log(String msg) {
        LOG.log(System.Logger.Level.INFO, "import-official: " + msg);
    }
}
