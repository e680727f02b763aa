package org.dimba4j.train.data.shapes;

import org.dimba4j.io.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Areas of the drawn shapes against geometry, flat colours, and the size floor. */
class SceneRendererTest {
    private static int count(RgbImage img, ShapeColour c) {
        int n = 0;
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                if (img.get(x, y, 0) == c.r() && img.get(x, y, 1) == c.g() && img.get(x, y, 2) == c.b()) n++;
            }
        }
        return n;
    }

    @Test
    void areasMatchTheGeometry() {
        double e = 0.4;
        List<PlacedObject> objs = List.of(
                new PlacedObject(0, ShapeKind.CIRCLE, ShapeColour.RED, ObjectSize.LARGE, 0.25, 0.25, e),
                new PlacedObject(0, ShapeKind.SQUARE, ShapeColour.GREEN, ObjectSize.LARGE, 0.75, 0.25, e),
                new PlacedObject(0, ShapeKind.TRIANGLE, ShapeColour.BLUE, ObjectSize.LARGE, 0.5, 0.75, e));
        Scene scene = new Scene(SceneSpec.single(new ObjectGroup(1, ShapeColour.RED, ShapeKind.CIRCLE, null)), objs, new int[] {240, 241, 242});
        int size = 256;
        RgbImage img = SceneRenderer.render(scene, size);
        double px = e * size;
        assertEquals(Math.PI * px * px / 4, count(img, ShapeColour.RED), 0.02 * px * px);
        assertEquals(px * px, count(img, ShapeColour.GREEN), 0.02 * px * px);
        assertEquals(px * px * Math.sqrt(3) / 4, count(img, ShapeColour.BLUE), 0.02 * px * px);
        assertEquals(240, img.get(0, 0, 0));
        assertEquals(242, img.get(size - 1, size - 1, 2));
        // the triangle points up: its top row is narrower than its bottom row
        assertTrue(img.get(128, 150, 2) == ShapeColour.BLUE.b() && img.get(128 - 40, 150, 2) != ShapeColour.BLUE.b());
        assertTrue(img.get(128 - 40, 235, 2) == ShapeColour.BLUE.b());
        assertEquals(size * size, count(img, ShapeColour.RED) + count(img, ShapeColour.GREEN) + count(img, ShapeColour.BLUE)
                + countBackground(img, scene.background()), "every pixel is background or an object colour");
    }

    private static int countBackground(RgbImage img, int[] bg) {
        int n = 0;
        for (int y = 0; y < img.height(); y++) for (int x = 0; x < img.width(); x++) if (img.get(x, y, 0) == bg[0] && img.get(x, y, 1) == bg[1] && img.get(x, y, 2) == bg[2]) n++;
        return n;
    }

    @Test
    void rendersDeterministicallyAndRejectsTinySizes() {
        Scene s = ShapesGenerator.example(3, 5).scene();
        assertEquals(java.util.Arrays.hashCode(SceneRenderer.render(s, 96).rgb()), java.util.Arrays.hashCode(SceneRenderer.render(s, 96).rgb()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SceneRenderer.render(s, 32)).getMessage().contains("at least 64"));
    }
}
