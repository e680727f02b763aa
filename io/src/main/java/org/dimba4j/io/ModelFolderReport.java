package org.dimba4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.torch.TorchCheckpoint;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A per-component summary of a model folder (DESIGN "The model folder": transformer/, text_encoder/, tokenizer/,
 * vae/): the highlights of each config.json, then the weights' tensor count, parameter count and dtypes. Generic on
 * purpose: it reads configs as plain JSON, so it works on any diffusers-style folder.
 */
public final class ModelFolderReport {
    /** Components in the order the pipeline uses them; other subfolders are listed after these. */
    public static final List<String> COMPONENTS = List.of("transformer", "text_encoder", "tokenizer", "vae");

    private static final Map<String, List<String>> HIGHLIGHTS = Map.of(
            "transformer", List.of("input_size", "patch_size", "in_channels", "hidden_size", "depth", "num_heads", "mlp_ratio",
                    "mamba_ratio", "learn_sigma", "pred_sigma", "caption_channels", "pe_interpolation", "model_max_length",
                    "d_state", "d_conv", "expand"),
            "text_encoder", List.of("architectures", "d_model", "d_kv", "d_ff", "num_layers", "num_heads", "vocab_size",
                    "feed_forward_proj", "relative_attention_num_buckets", "relative_attention_max_distance"),
            "vae", List.of("_class_name", "in_channels", "out_channels", "latent_channels", "block_out_channels",
                    "layers_per_block", "sample_size", "scaling_factor", "force_upcast"),
            "tokenizer", List.of("tokenizer_class", "model_max_length", "extra_ids", "eos_token", "pad_token", "unk_token"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFolderReport() {}

    /** True when {@code dir} looks like a model folder (a model_index.json or one of the component subfolders). */
    public static boolean isModelFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("model_index.json"))
                || COMPONENTS.stream().anyMatch(c -> Files.isDirectory(dir.resolve(c)));
    }

    /** Prints the summary; returns the problems found (unreadable configs or weights), empty when all is well. */
    public static List<String> print(Path dir, PrintWriter out) {
        List<String> problems = new ArrayList<>();
        out.println("model folder: " + dir);
        Path index = dir.resolve("model_index.json");
        if (Files.isRegularFile(index)) {
            try {
                out.println("model_index.json: " + highlights(JSON.readTree(index.toFile()), List.of("_class_name", "_dimba4j_version"), 8));
            } catch (IOException | RuntimeException e) {
                problems.add("model_index.json: " + e.getMessage());
            }
        }
        for (Path sub : components(dir)) {
            String name = sub.getFileName().toString();
            out.println(name + "/");
            Path config = sub.resolve(name.equals("tokenizer") ? "tokenizer_config.json" : "config.json");
            if (Files.isRegularFile(config)) {
                try {
                    out.println("  config: " + highlights(JSON.readTree(config.toFile()), HIGHLIGHTS.getOrDefault(name, List.of()), 16));
                } catch (IOException | RuntimeException e) {
                    problems.add(config + ": not valid JSON: " + e.getMessage());
                    out.println("  config: unreadable");
                }
            }
            if (name.equals("tokenizer")) {
                out.println("  files: " + files(sub));
                continue;
            }
            try {
                Path weights = Checkpoints.find(sub);
                try (TensorSource s = Checkpoints.open(weights)) {
                    CheckpointReport.Totals t = CheckpointReport.Totals.of(s);
                    String key = s instanceof TorchCheckpoint tc && !tc.selectedKey().isEmpty() ? " [" + tc.selectedKey() + "]" : "";
                    out.println("  weights: " + sub.relativize(weights) + key + " (" + CheckpointReport.format(s) + ")");
                    out.printf("  tensors: %d, parameters: %,d, bytes: %,d, dtypes: %s%n", t.tensors(), t.parameters(), t.bytes(), t.dtypeSummary());
                }
            } catch (RuntimeException e) {
                problems.add(name + ": " + e.getMessage());
                out.println("  weights: " + e.getMessage());
            }
        }
        out.flush();
        return problems;
    }

    private static List<Path> components(Path dir) {
        List<Path> out = new ArrayList<>();
        for (String c : COMPONENTS) if (Files.isDirectory(dir.resolve(c))) out.add(dir.resolve(c));
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).sorted()
                    .filter(p -> !COMPONENTS.contains(p.getFileName().toString()) && !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve("config.json")))
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** "key=value ..." for the listed keys present, or the first {@code max} scalar keys when none is listed. */
    static String highlights(JsonNode config, List<String> keys, int max) {
        if (config == null || !config.isObject()) return "(not a JSON object)";
        List<String> parts = new ArrayList<>();
        for (String k : keys) if (config.has(k)) parts.add(k + "=" + compact(config.get(k)));
        if (parts.isEmpty()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext() && parts.size() < max; ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isValueNode()) parts.add(e.getKey() + "=" + compact(e.getValue()));
            }
        }
        return parts.isEmpty() ? "(no settings)" : String.join(" ", parts);
    }

    private static String compact(JsonNode v) {
        String s = v.isTextual() ? v.textValue() : v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.filter(Files::isRegularFile).sorted().map(p -> {
                try {
                    return p.getFileName() + " (" + Files.size(p) + " bytes)";
                } catch (IOException e) {
                    return p.getFileName().toString();
                }
            }).toList();
            return names.isEmpty() ? "(none)" : String.join(", ", names);
        } catch (IOException e) {
            return "(cannot list: " + e.getMessage() + ")";
        }
    }
}
