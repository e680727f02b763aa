package org.dimba4j.train.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.image.ImageFiles;
import org.dimba4j.io.image.ImageTensors;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.io.image.TrainingCrop;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A dataset in the Hugging Face {@code imagefolder} layout: image files plus {@code metadata.jsonl} lines
 * {@code {"file_name": "a.png", "text": "caption"}}, or, without metadata.jsonl, a caption sidecar {@code a.txt}
 * beside each {@code a.png} / {@code a.jpg}. Opening validates everything before the first training step: every
 * line parses, names an existing file inside the folder and carries a non-empty caption, and every image decodes
 * completely. A problem is an error naming the file and line, or, with {@code skipBad}, a skipped example counted
 * in {@link #skipped()}.
 */
public final class ImageFolder {
    public static final String METADATA = "metadata.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final List<ImageFolderEntry> entries;
    private final List<String> problems;

    private ImageFolder(Path root, List<ImageFolderEntry> entries, List<String> problems) {
        this.root = root;
        this.entries = List.copyOf(entries);
        this.problems = List.copyOf(problems);
    }

    /** Scans and validates {@code root}; throws {@link DatasetException} on any bad example unless skipBad. */
    public static ImageFolder open(Path root, boolean skipBad) {
        if (!Files.isDirectory(root)) throw new DatasetException("dataset folder " + root + " does not exist");
        List<String> problems = new ArrayList<>();
        List<ImageFolderEntry> declared = Files.isRegularFile(root.resolve(METADATA))
                ? readMetadata(root, problems) : readSidecars(root, problems);
        List<ImageFolderEntry> good = new ArrayList<>();
        for (ImageFolderEntry e : declared) {
            try {
                ImageFiles.readRgb(e.image());
                good.add(e);
            } catch (ImageFiles.BadImageException ex) {
                problems.add(e.origin() + ": " + ex.getMessage());
            }
        }
        if (!problems.isEmpty() && !skipBad) throw DatasetException.of("dataset " + root, problems);
        if (good.isEmpty()) throw new DatasetException("dataset " + root + " holds no usable example"
                + (problems.isEmpty() ? " (no " + METADATA + " and no image with a .txt caption)" : ", " + problems.size() + " bad"));
        return new ImageFolder(root, good, problems);
    }

    private static List<ImageFolderEntry> readMetadata(Path root, List<String> problems) {
        Path file = root.resolve(METADATA);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<ImageFolderEntry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i), origin = file + " line " + (i + 1);
            if (line.isBlank()) continue;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                problems.add(origin + ": malformed JSON (" + e.getOriginalMessage() + ")");
                continue;
            }
            if (node == null || !node.isObject()) {
                problems.add(origin + ": expected a JSON object {\"file_name\": ..., \"text\": ...}");
                continue;
            }
            JsonNode name = node.get("file_name"), text = node.get("text");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                problems.add(origin + ": no \"file_name\" string");
                continue;
            }
            if (text == null || !text.isTextual()) {
                problems.add(origin + ": no \"text\" string (the caption) for " + name.asText());
                continue;
            }
            if (text.asText().isBlank()) {
                problems.add(origin + ": empty caption for " + name.asText());
                continue;
            }
            Path image = root.resolve(name.asText()).normalize();
            if (!image.startsWith(root.normalize())) {
                problems.add(origin + ": file_name " + name.asText() + " points outside the dataset folder");
            } else if (!Files.isRegularFile(image)) {
                problems.add(origin + ": missing image file " + image);
            } else {
                out.add(new ImageFolderEntry(name.asText(), image, text.asText(), origin));
            }
        }
        return out;
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static List<ImageFolderEntry> readSidecars(Path root, List<String> problems) {
        List<Path> images;
        try (Stream<Path> s = Files.list(root)) {
            images = s.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        List<ImageFolderEntry> out = new ArrayList<>();
        for (Path image : images) {
            String name = image.getFileName().toString();
            Path sidecar = image.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".txt");
            if (!Files.isRegularFile(sidecar)) {
                problems.add(image + ": no caption file " + sidecar.getFileName() + " (and no " + METADATA + ")");
                continue;
            }
            String caption;
            try {
                caption = Files.readString(sidecar, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                problems.add(sidecar + ": cannot read (" + e.getMessage() + ")");
                continue;
            }
            if (caption.isEmpty()) problems.add(sidecar + ": empty caption for " + name);
            else out.add(new ImageFolderEntry(name, image, caption, sidecar.toString()));
        }
        return out;
    }

    public Path root() {
        return root;
    }

    public int size() {
        return entries.size();
    }

    public ImageFolderEntry entry(int i) {
        return entries.get(i);
    }

    /** How many examples were left out as bad (only non-zero with skipBad). */
    public int skipped() {
        return problems.size();
    }

    /** What was wrong with each skipped example. */
    public List<String> problems() {
        return problems;
    }

    /**
     * Example {@code i}'s pixels as the official training transform makes them: [3, size, size] f32 in [-1, 1]
     * (convert("RGB"), Resize(size), center_crop_arr, ToTensor, Normalize([.5], [.5])).
     */
    public Tensor pixels(int i, int size) {
        RgbImage img = ImageFiles.readRgb(entries.get(i).image());
        return ImageTensors.toTensor(TrainingCrop.official(img, size));
    }
}
