package org.dimba4j.train.data.shapes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dimba4j.io.image.Png;
import org.dimba4j.io.image.RgbImage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Writes a shapes dataset in the Hugging Face imagefolder layout:
 * <pre>
 * DIR/00000.png ...          the renders
 * DIR/metadata.jsonl         {"file_name": "00000.png", "text": caption}, one line per image, in index order
 * DIR/scenes.jsonl           {"file_name": ..., "scene": {spec, background, objects}}: the ground truth
 * DIR/heldout.json           the held-out combinations and evaluation prompts ({@link HeldOut#toJson()})
 * DIR/eval-prompts.jsonl     {"prompt": ..., "spec": {...}}: the held-out prompts, the file `dimba eval --prompts` reads
 * DIR/dataset.json           how it was made (generator, seed, count, size)
 * </pre>
 * All of it goes to a temporary sibling folder first, renamed to DIR only when complete, so DIR either does not
 * exist or is a whole dataset.
 */
public final class ShapesDatasetWriter {
    public static final String SCENES = "scenes.jsonl", HELDOUT = "heldout.json", EVAL_PROMPTS = "eval-prompts.jsonl", INFO = "dataset.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShapesDatasetWriter() {}

    /** The image file name of example {@code i}: zero-padded to at least five digits so names sort by index. */
    public static String fileName(int i, int count) {
        int digits = Math.max(5, Integer.toString(count - 1).length());
        return String.format("%0" + digits + "d.png", i);
    }

    public static void write(Path dir, int count, int size, long seed) {
        if (count < 1) throw new IllegalArgumentException("--count must be at least 1, got " + count);
        if (size < SceneRenderer.MIN_SIZE) throw new IllegalArgumentException("--size must be at least " + SceneRenderer.MIN_SIZE + ", got " + size);
        if (size > 4096) throw new IllegalArgumentException("--size must be at most 4096, got " + size);
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target)) throw new IllegalArgumentException("output folder " + dir + " already exists (choose a new one)");
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            ShapesExample[] examples = new ShapesExample[count];
            IntStream.range(0, count).parallel().forEach(i -> {
                ShapesExample ex = ShapesGenerator.example(seed, i);
                RgbImage img = SceneRenderer.render(ex.scene(), size);
                Png.write(tmp.resolve(fileName(i, count)), img, Map.of());
                examples[i] = ex;
            });
            StringBuilder meta = new StringBuilder(), scenes = new StringBuilder();
            for (int i = 0; i < count; i++) {
                String name = fileName(i, count);
                ObjectNode m = JSON.createObjectNode().put("file_name", name).put("text", examples[i].caption());
                meta.append(JSON.writeValueAsString(m)).append('\n');
                ObjectNode s = JSON.createObjectNode().put("file_name", name);
                s.set("scene", examples[i].scene().toJson());
                scenes.append(JSON.writeValueAsString(s)).append('\n');
            }
            Files.writeString(tmp.resolve("metadata.jsonl"), meta, StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(SCENES), scenes, StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(HELDOUT), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(HeldOut.toJson()) + "\n", StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(EVAL_PROMPTS), evalPromptsJsonl(), StandardCharsets.UTF_8);
            ObjectNode info = JSON.createObjectNode().put("generator", "dimba4j shapes").put("seed", seed)
                    .put("count", count).put("size", size);
            Files.writeString(tmp.resolve(INFO), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info) + "\n", StandardCharsets.UTF_8);
            if (target.getParent() != null) Files.createDirectories(target.getParent());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // the first error is the one to report
            }
            throw new UncheckedIOException("cannot write dataset " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The held-out prompts as JSON lines {"prompt": ..., "spec": ...}. */
    public static String evalPromptsJsonl() {
        StringBuilder sb = new StringBuilder();
        try {
            for (HeldOut.EvalPrompt p : HeldOut.evalPrompts()) {
                ObjectNode n = JSON.createObjectNode().put("prompt", p.prompt());
                n.set("spec", p.spec().toJson());
                sb.append(JSON.writeValueAsString(n)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
