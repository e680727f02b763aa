package org.dimba4j.io.image;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Resize + center crop against torchvision's T.Resize(n), T.CenterCrop(n) on a Pillow image, byte for byte. */
class TrainingCropTest {

    @Test
    void downscaleAndCropMatchTorchvision() {
        RgbImage src = Png.read(ImageFixtures.resource("source-37x23.png")).image();
        try (SafetensorsFile f = ImageFixtures.tensors()) {
            assertArrayEquals(ImageFixtures.hwc(f, "crop16").rgb(), TrainingCrop.apply(src, 16).rgb());
        }
    }

    @Test
    void upscaleAndCropMatchTorchvision() {
        RgbImage src = Png.read(ImageFixtures.resource("source-37x23.png")).image();
        try (SafetensorsFile f = ImageFixtures.tensors()) {
            assertArrayEquals(ImageFixtures.hwc(f, "crop48").rgb(), TrainingCrop.apply(src, 48).rgb());
        }
    }

    @Test
    void shorterSideBecomesTheSizeAndTheLongerIsTruncated() {
        RgbImage wide = RgbImage.blank(37, 23);
        RgbImage r = TrainingCrop.resizeShorterSide(wide, 16); // 16 * 37 / 23 = 25.7 -> 25
        assertEquals(25, r.width());
        assertEquals(16, r.height());
        RgbImage tall = TrainingCrop.resizeShorterSide(RgbImage.blank(10, 30), 20);
        assertEquals(20, tall.width());
        assertEquals(60, tall.height());
    }

    @Test
    void centerCropOffsetsRoundHalfToEven() {
        byte[] rgb = new byte[5 * 1 * 3];
        for (int x = 0; x < 5; x++) rgb[3 * x] = (byte) x;
        RgbImage row = new RgbImage(5, 1, rgb);
        // (5 - 2) / 2 = 1.5 -> round half to even = 2 (Python's round, as torchvision)
        assertEquals(2, TrainingCrop.centerCrop(row, 2, 1).get(0, 0, 0));
        // (5 - 4) / 2 = 0.5 -> 0
        assertEquals(0, TrainingCrop.centerCrop(row, 4, 1).get(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> TrainingCrop.centerCrop(row, 6, 1));
    }

    @Test
    void resizeToTheSameSizeIsTheIdentity() {
        RgbImage src = Png.read(ImageFixtures.resource("source-37x23.png")).image();
        assertArrayEquals(src.rgb(), BilinearResize.resize(src, 37, 23).rgb());
    }
}
