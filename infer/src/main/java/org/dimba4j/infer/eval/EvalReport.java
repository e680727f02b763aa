package org.dimba4j.infer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluation written as a markdown table (OUT.md) and the same figures as JSON beside it (OUT.json), with the
 * date, the model, the settings, the time per image and every image's detections.
 *
 * @param model       the model folder as given
 * @param promptsFrom where the prompts came from ("built-in held-out prompts" or the file)
 * @param date        ISO-8601 UTC time of the run
 * @param device      the backend's name
 */
public record EvalReport(EvalResult result, EvalSettings settings, String model, String promptsFrom, String date, String device) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** OUT.json beside OUT.md (or OUT + .json when OUT does not end in .md). */
    public static Path jsonPath(Path md) {
        String n = md.getFileName().toString();
        return md.resolveSibling((n.endsWith(".md") ? n.substring(0, n.length() - 3) : n) + ".json");
    }

    public void write(Path md) {
        writeAtomically(md, markdown());
        try {
            writeAtomically(jsonPath(md), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        EvalResult r = result;
        int prompts = (int) r.images().stream().map(i -> i.prompt().prompt()).distinct().count();
        sb.append("# dimba eval: ").append(model).append("\n\n");
        sb.append(String.format(Locale.ROOT, "- date: %s%n- model: `%s`%n- prompts: %s (%d prompts x %d seeds = %d images, seeds %d..%d)%n",
                date, model, promptsFrom, prompts, settings.seeds(), r.images().size(), settings.baseSeed(), settings.baseSeed() + settings.seeds() - 1));
        sb.append(String.format(Locale.ROOT, "- settings: %s, %d steps, guidance %s, %dx%d, device %s%n", settings.sampler().cliName(),
                settings.steps(), fmt(settings.guidance()), settings.size(), settings.size(), device));
        sb.append(String.format(Locale.ROOT, "- time: %.3f s/image (sampling and decoding; loading excluded)%n%n", r.secondsPerImage()));
        sb.append("| metric | model | detector on renders | detector on blurred + noisy renders |\n|---|---|---|---|\n");
        for (String m : Tally.METRICS) {
            sb.append("| ").append(m).append(" | ").append(cell(r.model(), m)).append(" | ").append(cell(r.detectorClean(), m))
                    .append(" | ").append(cell(r.detectorDegraded(), m)).append(" |\n");
        }
        sb.append("\nThe detector columns score ").append(r.detectorImages()).append(" ground-truth renders of the same size (half training")
                .append(" scenes, half held-out prompts; ").append(Degradation.BLUR_NOISE.describe()).append(" in the last column): how far the")
                .append(" model column can be trusted. Metrics, per image: colour = every group's colour is on some object; shape = every")
                .append(" group's shape is drawn; binding = every group's colour is on an object of its shape; count = exactly the")
                .append(" asked objects of each colour and shape, nothing else; size = stated sizes hold; spatial (spatial prompts only)")
                .append(" = the groups' centroids stand as said, more along the axis than across it; all-correct = all of them.\n\n");
        sb.append(String.format(Locale.ROOT, "Distribution: Fréchet distance %s against ground-truth renders of the same prompts (floor:"
                + " %s between two sets of renders, what a perfect generator scores with this many images). Features: %d fixed"
                + " statistics per image (colour-label fractions, 4x4 mean RGB, 4x4 object coverage), no trained network; not"
                + " comparable with published FID.%n%n", fmt3(r.frechet()), fmt3(r.frechetFloor()), ImageFeatures.DIM));
        sb.append("| prompt | images | colour | shape | binding | count | spatial | all-correct |\n|---|---|---|---|---|---|---|---|\n");
        Map<String, Tally> perPrompt = new LinkedHashMap<>();
        for (EvalResult.ImageResult i : r.images()) perPrompt.computeIfAbsent(i.prompt().prompt(), k -> new Tally()).add(i.score());
        for (Map.Entry<String, Tally> e : perPrompt.entrySet()) {
            Tally t = e.getValue();
            sb.append("| ").append(e.getKey()).append(" | ").append(t.images());
            for (String m : List.of("colour", "shape", "binding", "count", "spatial", "all-correct")) {
                sb.append(" | ").append(t.total(m) == 0 ? "-" : Integer.toString(t.hits(m)));
            }
            sb.append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(Tally t, String m) {
        return t.total(m) == 0 ? "-" : String.format(Locale.ROOT, "%.3f (%d/%d)", t.accuracy(m), t.hits(m), t.total(m));
    }

    private static String fmt3(double d) {
        return Double.isNaN(d) ? "n/a (under 2 images)" : String.format(Locale.ROOT, "%.4f", d);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    public ObjectNode json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("date", date);
        o.put("model", model);
        o.put("prompts", promptsFrom);
        ObjectNode s = o.putObject("settings");
        s.put("sampler", settings.sampler().cliName()).put("steps", settings.steps()).put("guidance", settings.guidance())
                .put("seeds", settings.seeds()).put("base_seed", settings.baseSeed()).put("size", settings.size()).put("device", device);
        o.put("seconds_per_image", result.secondsPerImage());
        o.set("metrics", tally(result.model()));
        ObjectNode fd = o.putObject("frechet");
        if (Double.isNaN(result.frechet())) fd.putNull("distance").putNull("floor");
        else fd.put("distance", result.frechet()).put("floor", result.frechetFloor());
        fd.put("features", "ImageFeatures (" + ImageFeatures.DIM + " fixed statistics; not comparable with published FID)");
        ObjectNode det = o.putObject("detector");
        det.put("images", result.detectorImages());
        det.set("clean", tally(result.detectorClean()));
        det.set("degraded", tally(result.detectorDegraded()));
        det.put("degradation", Degradation.BLUR_NOISE.describe());
        ArrayNode imgs = o.putArray("images");
        for (EvalResult.ImageResult i : result.images()) {
            ObjectNode n = imgs.addObject();
            n.put("prompt", i.prompt().prompt());
            n.put("seed", i.seed());
            n.set("spec", i.prompt().spec().toJson());
            ArrayNode found = n.putArray("detected");
            for (DetectedObject d : i.detected()) {
                found.addObject().put("colour", d.colour().word()).put("shape", d.shape().word()).put("size", d.size().word())
                        .put("cx", round(d.cx())).put("cy", round(d.cy())).put("extent", round(d.extent())).put("area", d.area());
            }
            SceneScore sc = i.score();
            ObjectNode score = n.putObject("score");
            score.put("colour", sc.colour()).put("shape", sc.shape()).put("binding", sc.binding()).put("count", sc.count())
                    .put("size", sc.size());
            if (sc.spatial() != null) score.put("spatial", sc.spatial());
            score.put("all-correct", sc.allCorrect());
        }
        return o;
    }

    private static ObjectNode tally(Tally t) {
        ObjectNode n = JSON.createObjectNode();
        for (String m : Tally.METRICS) {
            ObjectNode e = n.putObject(m);
            if (t.total(m) == 0) e.putNull("accuracy");
            else e.put("accuracy", t.accuracy(m));
            e.put("hits", t.hits(m)).put("total", t.total(m));
        }
        return n;
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    private static void writeAtomically(Path file, String text) {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        try {
            if (abs.getParent() != null) Files.createDirectories(abs.getParent());
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
