package org.dimba4j.infer.eval;

import org.dimba4j.infer.GenerationRequest;
import org.dimba4j.infer.TextToImagePipeline;
import org.dimba4j.io.image.ImageTensors;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.train.data.shapes.HeldOut;

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
    private static final long DETECTOR_SEED = 1;

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
        return new EvalResult.ImageResult(p, seed, found, SceneScorer.score(p.spec(), found));
    }

    /** The images' tally, and the detector checked on renders of side {@code size}. */
    public static EvalResult result(List<EvalResult.ImageResult> images, int size, double secondsPerImage) {
        Tally model = new Tally();
        for (EvalResult.ImageResult r : images) model.add(r.score());
        Tally clean = DetectorCheck.run(DETECTOR_SEED, DETECTOR_IMAGES, size, Degradation.NONE);
        Tally degraded = DetectorCheck.run(DETECTOR_SEED, DETECTOR_IMAGES, size, Degradation.BLUR_NOISE);
        return new EvalResult(images, model, clean, degraded, DETECTOR_IMAGES, secondsPerImage);
    }
}
