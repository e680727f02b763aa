package org.dimba4j.infer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.random.TorchGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline on the tiny reference model against the official scripts/inference.py sampling runs
 * recorded by tools/fixtures/official/run_reference.py (DPM-Solver++ 20 steps; guidance 4.5 with two
 * prompts, guidance 1 with one).
 */
class TextToImagePipelineTest {
    private static final Path TINY = Path.of("../models/tiny-reference");
    private static Backend backend;
    private static TextToImagePipeline pipe;

    @BeforeAll
    static void load() {
        backend = Backends.cpu();
        pipe = TextToImagePipeline.load(TINY, backend, new PhaseTimer());
    }

    @AfterAll
    static void close() {
        pipe.close();
        backend.close();
    }

    @Test
    void guidance45MatchesOfficialSampling() throws Exception {
        check("sample-cfg4.5");
    }

    @Test
    void guidance1MatchesOfficialSampling() throws Exception {
        check("sample-cfg1");
    }

    private void check(String name) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(Path.of(getClass().getResource("/fixtures/e2e/" + name + ".safetensors").toURI()))) {
            var meta = f.metadata();
            List<String> prompts = Arrays.asList(new ObjectMapper().readValue(meta.get("prompts"), String[].class));
            long seed = Long.parseLong(meta.get("seed"));
            double guidance = Double.parseDouble(meta.get("guidance"));
            float[] noise = f.get("noise").toFloatArray();
            assertArrayEquals(noise, new TorchGenerator(seed).randn(f.get("noise").shape()).floats(), name + ": --seed noise");

            List<Integer> steps = new ArrayList<>();
            GenerationRequest req = new GenerationRequest(prompts, "", 64, 64, 20, guidance, SamplerChoice.DPM_SOLVER,
                    seed, null, 0);
            TextToImagePipeline.Result r = pipe.generate(req, new TextToImagePipeline.Listener() {
                @Override
                public void onStep(int step, int total, double seconds) {
                    steps.add(step);
                }
            });
            assertEquals(20, steps.size());
            assertRelative(f.get("latents").toFloatArray(), r.latents().floats(), 1e-3, name + " latents");
            assertRelative(f.get("image").toFloatArray(), r.images().toFloatArray(), 1e-3, name + " image");
        }
    }

    @Test
    void negativePromptMatchesOfficialSamplingWithThePromptsMask() throws Exception {
        // tools/fixtures/official/record_negative_prompt.py: T5(negative) as null_y, the prompt's mask for both halves
        for (SamplerChoice s : new SamplerChoice[] {SamplerChoice.DPM_SOLVER, SamplerChoice.IDDPM}) {
            String name = "sample-negative-" + s.cliName();
            try (SafetensorsFile f = SafetensorsFile.open(Path.of(getClass().getResource("/fixtures/e2e/" + name + ".safetensors").toURI()))) {
                var m = f.metadata();
                GenerationRequest req = new GenerationRequest(
                        TextToImagePipeline.repeat(m.get("prompt"), Integer.parseInt(m.get("batch"))), m.get("negative"),
                        Integer.parseInt(m.get("width")), Integer.parseInt(m.get("height")), Integer.parseInt(m.get("steps")),
                        Double.parseDouble(m.get("guidance")), s, Long.parseLong(m.get("seed")), null, 0);
                Tensor latents = pipe.generate(req, TextToImagePipeline.Listener.NONE).latents();
                assertArrayEquals(f.get("latents").shape(), latents.shape(), name);
                assertRelative(f.get("latents").toFloatArray(), latents.floats(), 1e-4, name + " latents");
            }
        }
    }

    @Test
    void initNoiseGivesTheSameLatentsAsItsSeed() {
        Tensor noise = new TorchGenerator(9).randn(1, 4, 8, 8);
        GenerationRequest seeded = new GenerationRequest(List.of("a cat"), "", 64, 64, 5, 3.0, SamplerChoice.DPM_SOLVER, 9L, null, 0);
        GenerationRequest given = new GenerationRequest(List.of("a cat"), "", 64, 64, 5, 3.0, SamplerChoice.DPM_SOLVER, null, noise, 0);
        // the same noise, so the same bits: the CPU kernels give identical results cold and JIT-compiled
        assertArrayEquals(pipe.generate(seeded, TextToImagePipeline.Listener.NONE).latents().floats(),
                pipe.generate(given, TextToImagePipeline.Listener.NONE).latents().floats(), "--init-noise vs --seed");
    }

    @Test
    void otherSamplersRunAndPreviewsDecode() {
        for (SamplerChoice s : SamplerChoice.values()) {
            List<Integer> previews = new ArrayList<>();
            GenerationRequest req = new GenerationRequest(List.of("a boat"), "", 64, 32, 4, 4.5, s, 3L, null, 2);
            TextToImagePipeline.Result r = pipe.generate(req, new TextToImagePipeline.Listener() {
                @Override
                public void onPreview(int step, Tensor images) {
                    assertArrayEquals(new int[] {1, 3, 32, 64}, images.shape());
                    previews.add(step);
                }
            });
            assertArrayEquals(new int[] {1, 4, 4, 8}, r.latents().shape(), s.cliName());
            assertEquals(List.of(2), previews, s.cliName() + ": a preview every 2 steps, none at the end");
            for (float v : r.latents().floats()) assertTrue(Float.isFinite(v), s.cliName());
        }
    }

    @Test
    void badSizeAndNoiseShapeAreClearErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> pipe.generate(new GenerationRequest(List.of("x"), "",
                60, 64, 4, 4.5, SamplerChoice.DPM_SOLVER, 1L, null, 0), TextToImagePipeline.Listener.NONE));
        assertTrue(e.getMessage().contains("width 60 must be a positive multiple of 16"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> pipe.generate(new GenerationRequest(List.of("x"), "",
                64, 64, 4, 4.5, SamplerChoice.DPM_SOLVER, null, Tensor.zeros(1, 4, 4, 4), 0), TextToImagePipeline.Listener.NONE));
        assertTrue(e2.getMessage().contains("[1, 4, 4, 4], expected [1, 4, 8, 8]"), e2.getMessage());
    }

    /** Max abs difference relative to the reference's largest magnitude (random weights give latents in the hundreds). */
    private static void assertRelative(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        assertTrue(worst <= tol * scale, what + ": max difference " + worst + " > " + tol + " x " + scale);
    }
}
