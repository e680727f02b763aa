package org.dimba4j.infer.cli;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dimba optimizer-steps} against the torch / came_pytorch goldens of tools/fixtures/optim. */
class OptimizerStepsCommandTest {
    static final Path FIXTURES = Path.of("../train/src/test/resources/fixtures/optim");
    static final Path PARAMS = FIXTURES.resolve("params.safetensors"), GRADS = FIXTURES.resolve("grads.safetensors");

    @Test
    void cameWithOfficialDefaultsMatchesCamePytorch(@TempDir Path dir) {
        assertMatches(dir, "came", List.of("--optimizer", "came", "--lr", "0.005"));
    }

    @Test
    void cameWithClippingAndWeightDecayMatches(@TempDir Path dir) {
        assertMatches(dir, "came_clip", List.of("--optimizer", "came", "--lr", "0.005", "--weight-decay", "0.03",
                "--betas", "0.9,0.999,0.9999", "--eps", "1e-30,1e-16", "--max-grad-norm", "0.05"));
    }

    @Test
    void adamwWithTorchDefaultsMatchesTorch(@TempDir Path dir) {
        assertMatches(dir, "adamw", List.of("--optimizer", "adamw", "--lr", "0.01"));
        assertMatches(dir, "adamw_clip", List.of("--optimizer", "adamw", "--lr", "0.01", "--max-grad-norm", "0.05"));
    }

    @Test
    void aMissingGradientIsAnErrorNamingIt(@TempDir Path dir) {
        Map<String, Tensor> g = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(GRADS)) {
            for (String k : f.names()) if (!k.equals("step1.col")) g.put(k, f.get(k).toF32());
        }
        Path grads = dir.resolve("g.safetensors");
        SafetensorsWriter.write(grads, g, Map.of());
        CliRun r = CliRun.run("optimizer-steps", "--optimizer", "came", "--params", PARAMS.toString(), "--grads",
                grads.toString(), "--lr", "0.005", "-o", dir.resolve("o.safetensors").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("step1.col"), r.err());
    }

    @Test
    void wrongCountsOfBetasAndUnknownOptimizersAreErrors(@TempDir Path dir) {
        String out = dir.resolve("o.safetensors").toString();
        CliRun r = CliRun.run("optimizer-steps", "--optimizer", "came", "--params", PARAMS.toString(), "--grads",
                GRADS.toString(), "--lr", "0.005", "--betas", "0.9,0.999", "-o", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("CAME takes 3 betas"), r.err());
        r = CliRun.run("optimizer-steps", "--optimizer", "sgd", "--params", PARAMS.toString(), "--grads",
                GRADS.toString(), "--lr", "0.005", "-o", out);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown optimizer 'sgd'"), r.err());
    }

    private static void assertMatches(Path dir, String fixture, List<String> options) {
        Path out = dir.resolve(fixture + ".out.safetensors");
        List<String> args = new ArrayList<>(List.of("optimizer-steps", "--params", PARAMS.toString(), "--grads",
                GRADS.toString(), "-o", out.toString()));
        args.addAll(options);
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile got = SafetensorsFile.open(out); SafetensorsFile want = SafetensorsFile.open(FIXTURES.resolve(fixture + ".safetensors"));
             SafetensorsFile p = SafetensorsFile.open(PARAMS)) {
            assertEquals(p.names(), got.names(), "OUT holds every name of P");
            assertEquals("3", got.metadata().get("steps"));
            for (String n : p.names()) {
                float[] e = want.get(n).toFloatArray(), a = got.get(n).toFloatArray();
                double worst = 0, scale = 0;
                for (int i = 0; i < e.length; i++) {
                    worst = Math.max(worst, Math.abs((double) a[i] - e[i]));
                    scale = Math.max(scale, Math.abs(e[i]));
                }
                assertTrue(worst / scale < 1e-6, fixture + " " + n + ": max |diff| / max |p| = " + worst / scale);
            }
        }
    }
}
