package org.dimba4j.train.run;

import org.dimba4j.io.FileTrees;
import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.train.optim.OptimizerState;
import org.dimba4j.train.text.TrainedTextEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code RUN/checkpoints/step-<N>/}: a complete model folder ({@code dimba generate --model} loads it: the source
 * model's tokenizer, text encoder, VAE and model_index.json, hard-linked or copied, and {@code transformer/} with the
 * config and the current weights) plus {@code trainer/} (the optimizer's tensors and {@link TrainerState}).
 * A checkpoint is written aside as {@code step-<N>.tmp}, every file flushed to disk, then renamed: a folder named
 * {@code step-<N>} is always complete, whatever moment the process died at.
 */
public final class RunCheckpoints {
    /** Test hook: halt the JVM (no shutdown hooks, like a kill) after writing step N aside, before the rename. */
    public static final String HALT_BEFORE_RENAME = "dimba.train.haltBeforeRename";
    static final String WEIGHTS = "model.safetensors", OPTIMIZER = "optimizer.safetensors";
    /** The EMA weights, a transformer folder beside {@code transformer/} (same config, loadable on its own). */
    public static final String EMA = "transformer_ema";
    /** With a trained text encoder: its EMA weights, a text-encoder folder beside {@code text_encoder/}. */
    public static final String TEXT_ENCODER_EMA = "text_encoder_ema";
    private static final Pattern NAME = Pattern.compile("step-(\\d+)");
    static final List<String> MODEL_PARTS = List.of("model_index.json", "tokenizer", "text_encoder", "vae");

    private final Path dir;

    public RunCheckpoints(Path runDir) {
        this.dir = runDir.resolve("checkpoints");
    }

    /** The folder of the checkpoint after {@code step} updates. */
    public Path folder(int step) {
        return dir.resolve("step-" + step);
    }

    /** Complete checkpoints, oldest first ({@code .tmp} folders are not checkpoints). */
    public List<Integer> steps() {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            List<Integer> out = new ArrayList<>();
            s.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) out.add(Integer.parseInt(m.group(1)));
            });
            out.sort(Comparator.naturalOrder());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The newest complete checkpoint's step. */
    public Optional<Integer> newest() {
        List<Integer> s = steps();
        return s.isEmpty() ? Optional.empty() : Optional.of(s.getLast());
    }

    /**
     * Writes checkpoint {@code step}: aside, flushed, renamed; then removes all but the newest {@code keepLast}
     * (0: keeps all).
     */
    public Path write(int step, Path sourceModel, Path transformerConfig, Map<String, Tensor> weights,
                      OptimizerState optimizer, TrainerState state, int keepLast) {
        return write(step, sourceModel, transformerConfig, weights, null, optimizer, state, keepLast);
    }

    /** As above, with the EMA weights ({@code null}: none) in {@code transformer_ema/}. */
    public Path write(int step, Path sourceModel, Path transformerConfig, Map<String, Tensor> weights,
                      Map<String, Tensor> emaWeights, OptimizerState optimizer, TrainerState state, int keepLast) {
        Path aside = dir.resolve("step-" + step + ".tmp"), target = folder(step);
        try {
            FileTrees.delete(aside); // a leftover of a run that died while writing this step
            writeModelFolder(aside, sourceModel, transformerConfig, weights);
            Files.createDirectories(aside.resolve("trainer"));
            if (emaWeights != null) {
                writeTransformer(aside.resolve(EMA), transformerConfig, TrainedTextEncoder.withoutTextEncoder(emaWeights));
                Map<String, Tensor> textEma = TrainedTextEncoder.unprefixed(emaWeights);
                if (!textEma.isEmpty()) writeTextEncoder(aside.resolve(TEXT_ENCODER_EMA), sourceModel, textEma);
            }
            SafetensorsWriter.write(aside.resolve("trainer/" + OPTIMIZER), optimizer.tensors().isEmpty()
                    ? Map.of() : new java.util.TreeMap<>(optimizer.tensors()), Map.of("optimizer", optimizer.optimizer()));
            state.write(aside.resolve("trainer"));
            syncTree(aside);
            if (Integer.toString(step).equals(System.getProperty(HALT_BEFORE_RENAME))) Runtime.getRuntime().halt(3);
            if (Files.exists(target)) remove(target); // the same step saved again: the same contents
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
            sync(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
        if (keepLast > 0) {
            List<Integer> all = steps();
            for (int i = 0; i < all.size() - keepLast; i++) {
                try {
                    remove(folder(all.get(i)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove old checkpoint " + folder(all.get(i)) + ": " + e.getMessage(), e);
                }
            }
        }
        return target;
    }

    /**
     * Writes {@code RUN/best/}, a model folder with {@code weights}, replacing the previous best: written aside, the
     * old one renamed away, the new one renamed in, so {@code best/} is complete whenever it exists.
     */
    public Path writeBest(Path sourceModel, Path transformerConfig, Map<String, Tensor> weights, String evalJson) {
        Path runDir = dir.getParent(), aside = runDir.resolve("best.tmp"), target = runDir.resolve("best"),
                gone = runDir.resolve("best.removed.tmp");
        try {
            FileTrees.delete(aside);
            writeModelFolder(aside, sourceModel, transformerConfig, weights);
            Files.writeString(aside.resolve("eval.json"), evalJson);
            syncTree(aside);
            FileTrees.delete(gone);
            if (Files.exists(target)) Files.move(target, gone, StandardCopyOption.ATOMIC_MOVE);
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
            sync(runDir);
            FileTrees.delete(gone);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    /**
     * A model folder in {@code folder}: the source model's parts other than the transformer, linked, and these weights;
     * the text encoder's ({@code text_encoder.*}, when it is trained) replace the source's {@code text_encoder/}.
     */
    private static void writeModelFolder(Path folder, Path sourceModel, Path transformerConfig, Map<String, Tensor> weights)
            throws IOException {
        writeTransformer(folder.resolve("transformer"), transformerConfig, TrainedTextEncoder.withoutTextEncoder(weights));
        Map<String, Tensor> text = TrainedTextEncoder.unprefixed(weights);
        if (!text.isEmpty()) writeTextEncoder(folder.resolve("text_encoder"), sourceModel, text);
        for (String part : MODEL_PARTS) {
            Path src = sourceModel.resolve(part);
            if (Files.exists(src) && !(part.equals("text_encoder") && !text.isEmpty())) linkTree(src, folder.resolve(part));
        }
    }

    /** A text-encoder folder: the source model's config.json and these weights (the folder's key names). */
    private static void writeTextEncoder(Path folder, Path sourceModel, Map<String, Tensor> weights) throws IOException {
        Files.createDirectories(folder);
        Files.copy(sourceModel.resolve("text_encoder/config.json"), folder.resolve("config.json"));
        SafetensorsWriter.write(folder.resolve(WEIGHTS), weights, Map.of("format", "pt"));
    }

    /** A transformer folder that loads on its own: the config and the weights. */
    private static void writeTransformer(Path folder, Path transformerConfig, Map<String, Tensor> weights) throws IOException {
        Files.createDirectories(folder);
        Files.copy(transformerConfig, folder.resolve("config.json"));
        SafetensorsWriter.write(folder.resolve(WEIGHTS), weights, Map.of("format", "pt"));
    }

    /**
     * Removes a checkpoint by renaming it to {@code step-<N>.removed.tmp} first (atomic), so that a process killed
     * while deleting never leaves a half-deleted folder under a checkpoint's name.
     */
    private void remove(Path checkpoint) throws IOException {
        Path gone = dir.resolve(checkpoint.getFileName() + ".removed.tmp");
        FileTrees.delete(gone);
        Files.move(checkpoint, gone, StandardCopyOption.ATOMIC_MOVE);
        FileTrees.delete(gone);
    }

    /** Removes {@code *.tmp} folders left by a process that died while writing or removing a checkpoint. */
    public void removeUnfinished() {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) FileTrees.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A checkpoint read back: weights (host f32), the optimizer's state and the trainer's. */
    public record Loaded(Map<String, Tensor> weights, OptimizerState optimizer, TrainerState state) {}

    /** The EMA weights of checkpoint {@code step} (host f32); an error naming the folder when it has none. */
    public Map<String, Tensor> readEma(int step) {
        return readEma(step, false);
    }

    /** As above; with {@code withTextEncoder}, the text encoder's EMA too, under its prefixed names. */
    public Map<String, Tensor> readEma(int step, boolean withTextEncoder) {
        Path f = folder(step).resolve(EMA + "/" + WEIGHTS);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(folder(step) + ": no " + EMA + "/ although the run has --ema-decay");
        }
        Map<String, Tensor> m = readAll(f);
        if (withTextEncoder) m.putAll(readTextEncoder(folder(step).resolve(TEXT_ENCODER_EMA)));
        return m;
    }

    public Loaded read(int step) {
        return read(step, false);
    }

    /** Checkpoint {@code step}; with {@code withTextEncoder}, the weights include its trained text encoder (prefixed). */
    public Loaded read(int step, boolean withTextEncoder) {
        Path f = folder(step);
        TrainerState state = TrainerState.read(f.resolve("trainer"));
        if (state.step() != step) throw new IllegalArgumentException(f + ": trainer state says step " + state.step());
        Map<String, Tensor> weights = readAll(f.resolve("transformer/" + WEIGHTS));
        if (withTextEncoder) weights.putAll(readTextEncoder(f.resolve("text_encoder")));
        return new Loaded(weights,
                new OptimizerState(state.optimizer(), readAll(f.resolve("trainer/" + OPTIMIZER)), state.optimizerScalars()),
                state);
    }

    private static Map<String, Tensor> readTextEncoder(Path folder) {
        Path f = folder.resolve(WEIGHTS);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(folder + ": no " + WEIGHTS + " although the run trains the text encoder");
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        readAll(f).forEach((n, t) -> m.put(TrainedTextEncoder.PREFIX + n, t));
        return m;
    }

    private static Map<String, Tensor> readAll(Path file) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        try (TensorSource src = SafetensorsFile.open(file)) {
            for (String n : src.names()) m.put(n, Tensor.of(src.get(n).toFloatArray(), src.get(n).shape()));
        }
        return m;
    }

    /** Hard links (the model's parts are large and never written to), a copy where the file system has none. */
    static void linkTree(Path src, Path dst) throws IOException {
        if (Files.isDirectory(src)) {
            Files.createDirectories(dst);
            try (Stream<Path> s = Files.list(src)) {
                for (Path p : s.toList()) linkTree(p, dst.resolve(p.getFileName().toString()));
            }
            return;
        }
        Path real = src.toRealPath();
        try {
            Files.createLink(dst, real);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(real, dst);
        }
    }

    private static void syncTree(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : s.toList()) syncTree(c);
            }
        }
        sync(p);
    }

    /** fsync of a file or a folder (a folder's entry list is what makes a rename durable). */
    private static void sync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(p)) throw e; // some file systems refuse to open folders; files must sync
        }
    }
}
