package org.dimba4j.infer.eval;

import org.dimba4j.io.image.RgbImage;
import org.dimba4j.train.data.shapes.HeldOut;
import org.dimba4j.train.data.shapes.ObjectGroup;
import org.dimba4j.train.data.shapes.PlacedObject;
import org.dimba4j.train.data.shapes.Scene;
import org.dimba4j.train.data.shapes.SceneLayout;
import org.dimba4j.train.data.shapes.SceneRandom;
import org.dimba4j.train.data.shapes.SceneRenderer;
import org.dimba4j.train.data.shapes.SceneSpec;
import org.dimba4j.train.data.shapes.ShapesGenerator;

import java.util.ArrayList;
import java.util.List;

/**
 * The detector's own accuracy: it scores ground-truth renders against the scenes they were drawn from, where a
 * perfect detector scores 1 on every metric. Half the scenes come from the training distribution, half are the
 * held-out evaluation prompts laid out afresh; each is scored against its spec with every group's size filled in
 * from the render, so size is checked on every image, not only where a caption says it.
 */
public final class DetectorCheck {
    private DetectorCheck() {}

    /** Scene {@code i} of the check: even i a training example, odd i an evaluation prompt, laid out with seed and i. */
    public static Scene scene(long seed, int i) {
        if (i % 2 == 0) return ShapesGenerator.example(seed, i).scene();
        List<HeldOut.EvalPrompt> prompts = HeldOut.evalPrompts();
        SceneSpec spec = prompts.get((i / 2) % prompts.size()).spec();
        SceneRandom rng = SceneRandom.forScene(seed, i);
        for (int t = 0; t < 1000; t++) {
            Scene s = SceneLayout.place(spec, rng);
            if (s != null) return s;
        }
        throw new IllegalStateException("cannot lay out " + spec);
    }

    /** The spec with each group's size set to the size it was rendered at. */
    public static SceneSpec withRenderedSizes(Scene s) {
        List<ObjectGroup> gs = new ArrayList<>();
        for (int gi = 0; gi < s.spec().groups().size(); gi++) {
            int g = gi;
            PlacedObject any = s.objects().stream().filter(o -> o.group() == g).findFirst().orElseThrow();
            gs.add(s.spec().groups().get(gi).withSize(any.size()));
        }
        return new SceneSpec(gs, s.spec().relation());
    }

    /** Scores {@code n} renders of side {@code size}, degraded as given, against their scenes. */
    public static Tally run(long seed, int n, int size, Degradation degradation) {
        Tally t = new Tally();
        for (int i = 0; i < n; i++) {
            Scene s = scene(seed, i);
            RgbImage img = degradation.apply(SceneRenderer.render(s, size), seed * 31 + i);
            t.add(SceneScorer.score(withRenderedSizes(s), ObjectDetector.detect(img)));
        }
        return t;
    }
}
