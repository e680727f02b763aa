package org.dimba4j.infer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.infer.SamplerChoice;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.train.data.shapes.HeldOut;
import org.dimba4j.train.data.shapes.Scene;
import org.dimba4j.train.data.shapes.SceneLayout;
import org.dimba4j.train.data.shapes.SceneRandom;
import org.dimba4j.train.data.shapes.SceneRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scoring path of {@code dimba eval} on ground-truth renders of the held-out prompts in place of generated
 * images (no model involved): a perfect "generator" scores 1 on every metric, and a picture of the wrong scene
 * does not.
 */
class EvalReportTest {
    private static RgbImage render(HeldOut.EvalPrompt p, long seed) {
        SceneRandom rng = SceneRandom.forScene(seed, p.prompt().hashCode());
        Scene s = null;
        while (s == null) s = SceneLayout.place(p.spec(), rng);
        return SceneRenderer.render(s, 64);
    }

    @Test
    void rendersOfTheHeldOutPromptsScoreOneEverywhere(@TempDir Path dir) throws IOException {
        List<HeldOut.EvalPrompt> prompts = HeldOut.evalPrompts();
        List<EvalResult.ImageResult> images = new ArrayList<>();
        for (HeldOut.EvalPrompt p : prompts) for (long seed = 0; seed < 3; seed++) images.add(ShapesEvaluation.scoreImage(p, seed, render(p, seed)));
        EvalResult r = ShapesEvaluation.result(images, 64, 0.5);
        for (String m : Tally.METRICS) assertEquals(1.0, r.model().accuracy(m), m);
        assertEquals(3 * 19, r.model().total("spatial"));
        EvalSettings s = new EvalSettings(SamplerChoice.DPM_SOLVER, 20, 4.5, 3, 0, 64);
        Path md = dir.resolve("renders.md");
        new EvalReport(r, s, "renders", "built-in held-out prompts", "2026-12-03T00:00:00Z", "cpu").write(md);
        String text = Files.readString(md);
        assertTrue(text.contains("| all-correct | 1.000 (102/102) | 1.000 (500/500) |"), text);
        assertTrue(text.contains("| spatial | 1.000 (57/57) |"), text);
        JsonNode json = new ObjectMapper().readTree(EvalReport.jsonPath(md).toFile());
        assertEquals(1.0, json.get("metrics").get("count").get("accuracy").asDouble());
        assertEquals(102, json.get("images").size());
        assertNotNull(json.get("detector").get("clean").get("colour"));
        // renders against renders of other layouts: the distance is the floor's order, not zero
        assertTrue(r.frechet() > 0 && r.frechet() < 3 * r.frechetFloor(), r.frechet() + " vs floor " + r.frechetFloor());
        assertTrue(text.contains("Fréchet distance"), text);
    }

    @Test
    void aPictureOfTheWrongSceneFails() {
        HeldOut.EvalPrompt asked = HeldOut.evalPrompts().get(0), drawn = HeldOut.evalPrompts().get(6); // a blue triangle / an orange circle
        assertEquals("a blue triangle", asked.prompt());
        assertEquals("an orange circle", drawn.prompt());
        SceneScore s = ShapesEvaluation.scoreImage(asked, 0, render(drawn, 0)).score();
        assertEquals(new SceneScore(false, false, false, false, true, null), s);
    }
}
