package org.dimba4j.train.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint stores besides the tensors ({@code trainer/state.json}): the number of updates done, the data
 * position, the random-number state, the loss average behind the smoothed loss of the progress line, and the optimizer's scalars.
 * The per-step draws and the data order are pure functions of (seed, step), so the RNG state is the seed and the
 * step; it is written out so that a reader of the file need not know that.
 *
 * @param step             updates done
 * @param epoch            epoch of the next example to read
 * @param offset           position of the next example within that epoch's permutation
 * @param seed             the run's seed
 * @param lossAverage      the loss's exponential moving average before bias correction (0 before the first step)
 * @param optimizer        the optimizer's name
 * @param optimizerScalars its {@link org.dimba4j.train.optim.OptimizerState#scalars()}
 * @param eval             the best eval so far and the patience count ({@link EvalState#NONE} without evals)
 */
public record TrainerState(int step, long epoch, long offset, long seed, double lossAverage, String optimizer,
                           Map<String, Double> optimizerScalars, EvalState eval) {
    public static final String FILE = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainerState {
        optimizerScalars = Map.copyOf(optimizerScalars);
        if (eval == null) eval = EvalState.NONE;
    }

    public void write(Path dir) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", step);
        n.putObject("data_position").put("epoch", epoch).put("offset", offset);
        n.putObject("rng").put("kind", "counter-based: per-step draws from (seed, step), data order from (seed, epoch)")
                .put("seed", seed).put("step", step);
        n.put("loss_average", Double.toString(lossAverage));
        n.put("optimizer", optimizer);
        ObjectNode s = n.putObject("optimizer_scalars");
        new java.util.TreeMap<>(optimizerScalars).forEach(s::put); // sorted: the file is the same for the same state
        n.putObject("eval").put("best_step", eval.bestStep()).put("best_loss", Double.toString(eval.bestLoss()))
                .put("since_best", eval.sinceBest());
        Files.writeString(dir.resolve(FILE), JSON.writeValueAsString(n) + "\n");
    }

    public static TrainerState read(Path dir) {
        Path f = dir.resolve(FILE);
        try {
            JsonNode n = JSON.readTree(f.toFile());
            Map<String, Double> scalars = new LinkedHashMap<>();
            n.path("optimizer_scalars").properties().forEach(e -> scalars.put(e.getKey(), e.getValue().doubleValue()));
            if (!n.path("step").isInt() || !n.path("optimizer").isTextual()) {
                throw new IllegalArgumentException(f + ": not a trainer state (no 'step' or 'optimizer')");
            }
            return new TrainerState(n.get("step").intValue(), n.path("data_position").path("epoch").longValue(),
                    n.path("data_position").path("offset").longValue(), n.path("rng").path("seed").longValue(),
                    Double.parseDouble(n.path("loss_average").asText("0")), n.get("optimizer").asText(), scalars,
                    n.has("eval") ? new EvalState(n.path("eval").path("best_step").intValue(),
                            Double.parseDouble(n.path("eval").path("best_loss").asText("Infinity")),
                            n.path("eval").path("since_best").intValue()) : EvalState.NONE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}
