package org.dimba4j.infer.eval;

import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.TextToImagePipeline;
import org.dimba4j.io.image.ImageTensors;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.train.data.shapes.HeldOut;
import org.dimba4j.train.data.shapes.Scene;
import org.dimba4j.train.data.shapes.SceneLayout;
import org.dimba4j.train.data.shapes.SceneRandom;
import org.dimba4j.train.data.shapes.SceneRenderer;
import org.dimba4j.train.data.shapes.SceneSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Generates every prompt's images with the text-to-image pipeline, detects their objects and scores them against
 * the prompts' specs; then checks the detector itself on ground-truth renders of the same size.
 */
public final class ShapesEvaluation {
    /** Renders per detector check: 500, as in the detector's tests. */
    public static final int DETECTOR_IMAGES = 500;
    private static final long DETECTOR_SEED = 1, REFERENCE_SEED = 1000;

    private ShapesEvaluation() {}

    /**
     * @param onImage called with each image and its result (progress lines, saved pictures); may be a no-op
     */
    public static EvalResult run(TextToImagePipeline pipe, List<HeldOut.EvalPrompt> prompts, EvalSettings s,
                                 BiConsumer<RgbImage, EvalResult.ImageResult> onImage) {
        List<EvalResult.ImageResult> images = new ArrayList<>();
        double seconds = 0;
        for (HeldOut.EvalPrompt p : prompts) {
            for (int k = 0; k < s.seeds(); k++) {
                long seed = s.baseSeed() + k;
                long t0 = System.nanoTime();
                GenerationRequest req = new GenerationRequest(List.of(p.prompt()), "", s.size(), s.size(), s.steps(), s.guidance(),
                        s.sampler(), seed, null, 0);
                Tensor out = pipe.generate(req, TextToImagePipeline.Listener.NONE).images();
                seconds += (System.nanoTime() - t0) / 1e9;
                RgbImage img = ImageTensors.toImage(out);
                EvalResult.ImageResult r = scoreImage(p, seed, img);
                images.add(r);
                onImage.accept(img, r);
            }
        }
        return result(images, s.size(), seconds / images.size());
    }

    /** One picture, detected and scored against its prompt's spec: the path every generated image takes. */
    public static EvalResult.ImageResult scoreImage(HeldOut.EvalPrompt p, long seed, RgbImage img) {
        List<DetectedObject> found = ObjectDetector.detect(img);
        return new EvalResult.ImageResult(p, seed, found, SceneScorer.score(p.spec(), found), ImageFeatures.of(img));
    }

    /** The images' tally, and the detector checked on renders of side {@code size}. */
    public static EvalResult result(List<EvalResult.ImageResult> images, int size, double secondsPerImage) {
        Tally model = new Tally();
        for (EvalResult.ImageResult r : images) model.add(r.score());
        Tally clean = DetectorCheck.run(DETECTOR_SEED, DETECTOR_IMAGES, size, Degradation.NONE);
        Tally degraded = DetectorCheck.run(DETECTOR_SEED, DETECTOR_IMAGES, size, Degradation.BLUR_NOISE);
        double fd = Double.NaN, floor = Double.NaN;
        if (images.size() >= 2) {
            List<double[]> generated = new ArrayList<>(), reference = new ArrayList<>(), other = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                EvalResult.ImageResult r = images.get(i);
                generated.add(r.features());
                reference.add(ImageFeatures.of(SceneRenderer.render(layout(r.prompt().spec(), REFERENCE_SEED, i), size)));
                other.add(ImageFeatures.of(SceneRenderer.render(layout(r.prompt().spec(), REFERENCE_SEED + 1, i), size)));
            }
            fd = FrechetDistance.between(generated, reference);
            floor = FrechetDistance.between(other, reference);
        }
        return new EvalResult(images, model, clean, degraded, DETECTOR_IMAGES, secondsPerImage, fd, floor);
    }

    /** A ground-truth layout of {@code spec}, a function of (seed, i). */
    static Scene layout(SceneSpec spec, long seed, int i) {
        SceneRandom rng = SceneRandom.forScene(seed, i);
        for (int t = 0; t < 1000; t++) {
            Scene s = SceneLayout.place(spec, rng);
            if (s != null) return s;
        }
        throw new IllegalStateException("cannot lay out " + spec);
    }
}
