package org.dimba4j.infer.eval;

import org.dimba4j.io.image.RgbImage;
import org.dimba4j.train.data.shapes.SceneRenderer;
import org.dimba4j.train.data.shapes.ShapesGenerator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Fréchet distance against numpy (tools/fixtures/eval/frechet.py), and on shapes features. */
class FrechetDistanceTest {
    @Test
    void matchesNumpyOnNonCommutingCovariances() {
        double[][] c1 = {{0.5544049891809268, 0.819341775049939, -0.3161364395276008, -1.1381477128430453}, {0.819341775049939, 3.115071129499024, -0.8542116126251427, -1.1518506091091263}, {-0.3161364395276008, -0.8542116126251427, 2.5867136737209133, 2.659352560116532}, {-1.1381477128430453, -1.1518506091091263, 2.659352560116532, 7.642147462473449}};
        double[][] c2 = {{1.7525374532824063, -0.26961695716658113, -1.7884158890993684, -0.45418436746781976}, {-0.26961695716658113, 2.549786858936591, 0.18291312419041136, 0.9577875442982252}, {-1.7884158890993684, 0.18291312419041136, 2.327465484292633, 0.5506122116984704}, {-0.45418436746781976, 0.9577875442982252, 0.5506122116984704, 1.421082121537806}};
        double[] mu1 = {-0.15922500991447772, 0.5408455846858077, 0.2146591225063409, 0.3553727090399214};
        double[] mu2 = {-0.6538286094183394, -0.12961363369276946, 0.7839754700613295, 1.4934311452207607};
        double expected = 7.149709237289493;
        assertEquals(expected, FrechetDistance.between(mu1, c1, mu2, c2), 1e-10);
        assertEquals(expected, FrechetDistance.between(mu2, c2, mu1, c1), 1e-10, "symmetric");
        assertEquals(0, FrechetDistance.between(mu1, c1, mu1, c1), 1e-10);
    }

    @Test
    void diagonalCaseIsTheClosedForm() {
        double[][] a = {{4, 0}, {0, 9}}, b = {{1, 0}, {0, 16}};
        // |mu1-mu2|^2 + sum (sqrt(a) - sqrt(b))^2 = 1 + 4 + (2-1)^2 + (3-4)^2
        assertEquals(7, FrechetDistance.between(new double[] {0, 0}, a, new double[] {1, 2}, b), 1e-12);
    }

    private static List<double[]> features(long seed, int n, double sigma) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RgbImage img = SceneRenderer.render(ShapesGenerator.example(seed, i).scene(), 64);
            out.add(ImageFeatures.of(new Degradation(false, sigma).apply(img, i)));
        }
        return out;
    }

    @Test
    void isZeroForASetWithItselfAndGrowsWithNoise() {
        List<double[]> clean = features(1, 300, 0);
        assertEquals(ImageFeatures.DIM, clean.get(0).length);
        assertEquals(0, FrechetDistance.between(clean, clean), 1e-9);
        double fresh = FrechetDistance.between(clean, features(2, 300, 0));
        double[] noisy = new double[3];
        double[] sigmas = {10, 30, 80};
        for (int k = 0; k < 3; k++) noisy[k] = FrechetDistance.between(clean, features(2, 300, sigmas[k]));
        assertTrue(fresh > 0 && fresh < noisy[0] && noisy[0] < noisy[1] && noisy[1] < noisy[2],
                "other clean scenes " + fresh + ", noise 10/30/80: " + java.util.Arrays.toString(noisy));
        assertThrows(IllegalArgumentException.class, () -> FrechetDistance.between(clean.subList(0, 1), clean));
    }
}
