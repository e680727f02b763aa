package org.dimba4j.infer.cli;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dimba grad transformer} on the tiny reference model against the official objective's golden
 * (tools/fixtures/train/dimba_grads.py, the case at t = [0, 999]: loss, mse, vb and the gradient of every parameter),
 * and its refusals of missing and mis-shaped inputs.
 */
class GradCommandTest {
    private static final String MODEL = Path.of("../models/tiny-reference").toString();
    private static final Path GOLDEN = Path.of("../train/src/test/resources/fixtures/train/dimba_step_t0.safetensors");

    @Test
    void lossTermsAndGradientsMatchTheOfficialObjective(@TempDir Path dir) {
        Path in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
        try (SafetensorsFile golden = SafetensorsFile.open(GOLDEN)) {
            writeInputs(golden, in, Map.of());
            CliRun run = CliRun.run("grad", "transformer", "--model", MODEL, "--inputs", in.toString(), "-o", out.toString(),
                    "--device", "cpu");
            assertEquals(0, run.code(), run.err());
            try (SafetensorsFile result = SafetensorsFile.open(out)) {
                Set<String> expectedNames = new TreeSet<>();
                for (String n : golden.names()) if (n.startsWith("grad.")) expectedNames.add(n);
                expectedNames.addAll(Set.of("loss", "mse", "vb"));
                assertEquals(expectedNames, new TreeSet<>(result.names()), "outputs: loss, mse, vb and grad.<parameter>");
                assertEquals(1, result.get("loss").numel());
                assertClose(golden.get("loss"), result.get("loss"), 1e-5, "loss");
                assertClose(golden.get("mse"), result.get("mse"), 1e-5, "mse");
                assertClose(golden.get("vb"), result.get("vb"), 1e-5, "vb");
                double worst = 0;
                for (String n : expectedNames) {
                    if (!n.startsWith("grad.")) continue;
                    worst = Math.max(worst, assertClose(golden.get(n), result.get(n), 1e-4, n));
                }
                System.err.printf("GradCommandTest: loss %.7f vs %.7f; worst gradient %.2e of its max%n",
                        result.get("loss").getFlat(0), golden.get("loss").getFlat(0), worst);
            }
        }
    }

    @Test
    void missingAndMisShapedInputsAreErrorsNamingTheTensor(@TempDir Path dir) {
        Path in = dir.resolve("in.safetensors"), out = dir.resolve("out.safetensors");
        try (SafetensorsFile golden = SafetensorsFile.open(GOLDEN)) {
            writeInputs(golden, in, Map.of("noise", Tensor.zeros(0)));
            CliRun run = CliRun.run("grad", "transformer", "--model", MODEL, "--inputs", in.toString(), "-o", out.toString(),
                    "--device", "cpu");
            assertNotEquals(0, run.code());
            assertTrue(run.err().contains("'noise' is missing"), run.err());

            writeInputs(golden, in, Map.of("noise", Tensor.zeros(2, 4, 8, 6)));
            run = CliRun.run("grad", "transformer", "--model", MODEL, "--inputs", in.toString(), "-o", out.toString(),
                    "--device", "cpu");
            assertNotEquals(0, run.code());
            assertTrue(run.err().contains("'noise'") && run.err().contains("[2, 4, 8, 6]"), run.err());

            writeInputs(golden, in, Map.of("t", Tensor.ofLongs(new long[] {0, 1000}, 2)));
            run = CliRun.run("grad", "transformer", "--model", MODEL, "--inputs", in.toString(), "-o", out.toString(),
                    "--device", "cpu");
            assertNotEquals(0, run.code());
            assertTrue(run.err().contains("'t'") && run.err().contains("1000"), run.err());
        }
    }

    /** The contract's inputs from the golden; an entry of {@code replace} swaps one (a 0-element tensor drops it). */
    private static void writeInputs(SafetensorsFile golden, Path in, Map<String, Tensor> replace) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x_start", golden.get("x0"));
        for (String n : new String[] {"t", "noise", "y", "mask"}) m.put(n, golden.get(n));
        for (var e : replace.entrySet()) {
            if (e.getValue().numel() == 0) m.remove(e.getKey());
            else m.put(e.getKey(), e.getValue());
        }
        SafetensorsWriter.write(in, m, Map.of());
    }

    /** Asserts max |diff| / max |expected| below {@code rtol}; returns it. */
    private static double assertClose(Tensor expected, Tensor actual, double rtol, String what) {
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        assertEquals(e.length, a.length, what + ": element count");
        double worst = 0, scale = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs((double) a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        assertTrue(scale > 0, what + ": the expected tensor is all zeros");
        assertTrue(worst / scale < rtol, what + ": max |diff| / max |expected| = " + worst / scale);
        return worst / scale;
    }
}
