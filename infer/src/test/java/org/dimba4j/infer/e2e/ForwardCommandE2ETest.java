package org.dimba4j.infer.e2e;

import org.dimba4j.infer.cli.CliRun;
import org.dimba4j.io.safetensors.SafetensorsWriter;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dimba forward} on the tiny reference pipeline against the official code's recorded outputs
 * (tools/fixtures/official/run_reference.py): every component within 1e-4.
 */
class ForwardCommandE2ETest {
    static final double TOL = 1e-4;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
            "text_encoder, text_encoder, tiny",
            "vae.encode, vae.encode, tiny",
            "vae.decode, vae.decode, tiny",
            "transformer, transformer, tiny",
            "transformer, transformer-nomask, tiny",
            "transformer, variant-transformer, variant"})
    void componentMatchesOfficialCode(String component, String fixture, String model) {
        Path dir = model.equals("tiny") ? TinyReference.model() : TinyReference.variant();
        Path out = tmp.resolve(fixture + ".out.safetensors");
        CliRun r = CliRun.run("forward", component, "--model", dir.toString(), "--inputs",
                TinyReference.fixture(fixture + ".inputs.safetensors").toString(), "-o", out.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out(), "stdout carries nothing for forward");
        Map<String, Tensor> expected = Fixtures.read(TinyReference.fixture(fixture + ".outputs.safetensors"));
        Map<String, Tensor> actual = Fixtures.read(out);
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            double d = Fixtures.assertClose(fixture + "/" + name, expected.get(name), actual.get(name), TOL);
            System.err.printf("forward %s %s: max |diff| %.2e (max |ref| %.2f)%n", fixture, name, d,
                    Fixtures.maxAbs(expected.get(name)));
        }
    }

    @Test
    void misShapedInputIsOneLineNamingTensorAndShapes() {
        Map<String, Tensor> in = Fixtures.read(TinyReference.fixture("transformer.inputs.safetensors"));
        in.put("mask", Tensor.ofLongs(new long[2 * 15], 2, 15));
        Path bad = tmp.resolve("bad.safetensors");
        SafetensorsWriter.write(bad, in, Map.of());
        CliRun r = CliRun.run("forward", "transformer", "--model", TinyReference.model().toString(), "--inputs", bad.toString(),
                "-o", tmp.resolve("o.safetensors").toString(), "--device", "cpu");
        assertEquals(1, r.code());
        String[] lines = r.err().strip().lines().filter(l -> l.startsWith("dimba:")).toArray(String[]::new);
        assertEquals(1, lines.length, r.err());
        assertEquals("dimba: error: input tensor 'mask' in " + bad + " has shape [2, 15], expected [B=2, L=16]: "
                + "L is 16 but dimension 1 is 15", lines[0]);
    }

    @Test
    void missingAndExtraInputs() {
        Map<String, Tensor> in = Fixtures.read(TinyReference.fixture("vae.decode.inputs.safetensors"));
        in.put("sample", Tensor.zeros(1, 3, 8, 8));
        Path extra = tmp.resolve("extra.safetensors");
        SafetensorsWriter.write(extra, in, Map.of());
        CliRun r = CliRun.run("forward", "vae.decode", "--model", TinyReference.model().toString(), "--inputs", extra.toString(),
                "-o", tmp.resolve("o.safetensors").toString(), "--device", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("dimba: error: unexpected input tensor 'sample' [1, 3, 8, 8] in " + extra
                + ": vae.decode takes latents"), r.err());
        Path none = tmp.resolve("none.safetensors");
        SafetensorsWriter.write(none, Map.of("latent", Tensor.zeros(1, 4, 2, 2)), Map.of());
        r = CliRun.run("forward", "vae.decode", "--model", TinyReference.model().toString(), "--inputs", none.toString(),
                "-o", tmp.resolve("o.safetensors").toString(), "--device", "cpu");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("dimba: error: unexpected input tensor 'latent' [1, 4, 2, 2]"), r.err());
    }
}
