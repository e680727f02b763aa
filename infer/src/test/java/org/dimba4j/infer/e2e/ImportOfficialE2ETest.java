package org.dimba4j.infer.e2e;

import org.dimba4j.infer.cli.CliRun;
import org.dimba4j.io.Checkpoints;
import org.dimba4j.kernels.Backend;
import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.dimba4j.infer.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dimba import-official} on the tiny release (tiny.pt + t5/ with a pytorch_model.bin + a diffusers vae/), and
 * the .pt and safetensors forms of the same transformer computing identical outputs.
 */
class ImportOfficialE2ETest {

    @TempDir
    Path tmp;

    private CliRun importTiny(Path out, String... extra) {
        String[] base = {"import-official", "--checkpoint", TinyReference.officialPt().toString(),
                "--t5", TinyReference.officialPt().resolveSibling("t5").toString(),
                "--vae", TinyReference.model().resolve("vae").toString(), "-o", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    @Test
    void importedFolderReproducesTheOfficialOutputs() {
        Path out = tmp.resolve("imported");
        var r = importTiny(out, "--num-heads", "4", "--pe-interpolation", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(DimbaConfig.load(TinyReference.model().resolve("transformer/config.json")),
                DimbaConfig.load(out.resolve("transformer/config.json")));
        for (String f : new String[] {"model_index.json", "transformer/model.safetensors", "text_encoder/config.json",
                "text_encoder/model.safetensors", "tokenizer/spiece.model", "tokenizer/tokenizer_config.json",
                "vae/config.json", "vae/diffusion_pytorch_model.safetensors"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertTrue(!Files.exists(tmp.resolve("imported.partial")));
        for (String[] c : new String[][] {{"transformer", "transformer"}, {"text_encoder", "text_encoder"},
                {"vae.decode", "vae.decode"}}) {
            Path mine = tmp.resolve(c[1] + ".imported.safetensors");
            var f = run("forward", c[0], "--model", out.toString(), "--inputs",
                    TinyReference.fixture(c[1] + ".inputs.safetensors").toString(), "-o", mine.toString(), "--device", "cpu");
            assertEquals(0, f.code(), f.err());
            Map<String, Tensor> expected = Fixtures.read(TinyReference.fixture(c[1] + ".outputs.safetensors"));
            Map<String, Tensor> actual = Fixtures.read(mine);
            for (String n : expected.keySet()) {
                Fixtures.assertClose(c[1] + "/" + n, expected.get(n), actual.get(n), ForwardCommandE2ETest.TOL);
            }
        }
    }

    @Test
    void ptAndSafetensorsFormsGiveIdenticalResults() {
        Path dir = TinyReference.model().resolve("transformer");
        try (TensorSource pt = Checkpoints.open(TinyReference.officialPt());
             TensorSource st = Checkpoints.open(dir.resolve("model.safetensors"))) {
            assertEquals(st.names(), pt.names());
            for (String n : st.names()) {
                assertEquals(st.get(n).dtype(), pt.get(n).dtype(), n);
                assertArrayEquals(st.get(n).shape(), pt.get(n).shape(), n);
                assertArrayEquals(st.get(n).toFloatArray(), pt.get(n).toFloatArray(), n);
            }
        }
        // the scalar reference backend: its results depend only on the values (the Vector API kernels may sum in a
        // different order before and after C2 compiles them, so two runs of the same model can differ in the last bit)
        Map<String, Tensor> in = Fixtures.read(TinyReference.fixture("transformer.inputs.safetensors"));
        try (Backend be = new ReferenceBackend();
             Dimba fromSafetensors = Dimba.load(dir, be);
             Dimba fromPt = Dimba.of(DimbaConfig.load(dir.resolve("config.json")), Checkpoints.open(TinyReference.officialPt()), be)) {
            Tensor a = be.download(fromSafetensors.forward(in.get("x"), in.get("timestep"), in.get("y"), in.get("mask")));
            Tensor b = be.download(fromPt.forward(in.get("x"), in.get("timestep"), in.get("y"), in.get("mask")));
            assertArrayEquals(a.toFloatArray(), b.toFloatArray());
            Fixtures.assertClose("transformer out (reference backend, from .pt)",
                    Fixtures.read(TinyReference.fixture("transformer.outputs.safetensors")).get("out"), b,
                    ForwardCommandE2ETest.TOL);
        }
    }

    @Test
    void refusesUnknownSizesWithoutHeadsAndNonEmptyOutput() throws Exception {
        var r = importTiny(tmp.resolve("a"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("(hidden 32, depth 2) is not a released Dimba size: give --num-heads"), r.err());
        assertTrue(!Files.exists(tmp.resolve("a")) && !Files.exists(tmp.resolve("a.partial")));
        Path busy = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(busy.resolve("x"), "x");
        r = importTiny(busy, "--num-heads", "4");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("output folder " + busy + " exists and is not empty"), r.err());
        r = importTiny(tmp.resolve("b"), "--variant", "dimba-l-512");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("dimba-l-512 has hidden 1152, depth 28, 512 px; the checkpoint has hidden 32, "
                + "depth 2, 64 px"), r.err());
    }
}
