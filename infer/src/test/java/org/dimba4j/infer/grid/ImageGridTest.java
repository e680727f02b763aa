package org.dimba4j.infer.grid;

import org.dimba4j.io.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImageGridTest {
    private static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] px = new byte[3 * w * h];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) r;
            px[3 * i + 1] = (byte) g;
            px[3 * i + 2] = (byte) b;
        }
        return new RgbImage(w, h, px);
    }

    @Test
    void cellsLandAtTheirPlaceEnlargedWithGaps() {
        RgbImage a = solid(2, 3, 10, 20, 30), b = solid(2, 3, 40, 50, 60), c = solid(2, 3, 70, 80, 90);
        RgbImage g = new ImageGrid(2, 2, 1, 255).tile(List.of(a, b, c));
        assertEquals(2 * 4 + 3, g.width());
        assertEquals(2 * 6 + 3, g.height());
        assertEquals(255, g.get(0, 0, 0));          // the gap
        assertEquals(10, g.get(1, 1, 0));           // a's first pixel
        assertEquals(30, g.get(4, 6, 2));           // a's last (enlarged) pixel
        assertEquals(255, g.get(5, 1, 0));          // the gap between columns
        assertEquals(50, g.get(6, 1, 1));           // b
        assertEquals(70, g.get(1, 8, 0));           // c starts the second row
        assertEquals(255, g.get(6, 8, 0));          // the empty fourth cell stays background
    }

    @Test
    void mixedSizesAndBadSettingsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ImageGrid(2, 1, 0, 0).tile(List.of(solid(2, 2, 0, 0, 0), solid(3, 2, 0, 0, 0))));
        assertEquals("grid cells differ in size: 2x2 and 3x2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ImageGrid(0, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageGrid(1, 17, 0, 0));
    }
}
