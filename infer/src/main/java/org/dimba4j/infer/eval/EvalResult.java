package org.dimba4j.infer.eval;

import org.dimba4j.train.data.shapes.HeldOut;

import java.util.List;

/**
 * What an evaluation measured.
 *
 * @param images          one entry per generated image, prompt by prompt, seed by seed
 * @param model           the model tally over all images
 * @param detectorClean   the detector on clean ground-truth renders at the same size
 * @param detectorDegraded the detector on blurred and noised renders
 * @param detectorImages  renders per detector check
 * @param secondsPerImage sampling and decoding, per image (loading excluded)
 * @param frechet         Fréchet distance on {@link ImageFeatures} between the images and ground-truth renders of
 *                        the same prompts (NaN under two images)
 * @param frechetFloor    the same distance between two sets of renders of the same prompts (other layouts): what
 *                        a perfect generator would score at this number of images
 */
public record EvalResult(List<ImageResult> images, Tally model, Tally detectorClean, Tally detectorDegraded, int detectorImages,
                         double secondsPerImage, double frechet, double frechetFloor) {

    /** One generated image: its prompt, seed, what the detector found, the score and the image's features. */
    public record ImageResult(HeldOut.EvalPrompt prompt, long seed, List<DetectedObject> detected, SceneScore score, double[] features) {}
}
