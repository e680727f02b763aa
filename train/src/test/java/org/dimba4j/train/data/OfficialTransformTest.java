package org.dimba4j.train.data;

import org.dimba4j.io.image.ImageFiles;
import org.dimba4j.io.image.ImageTensors;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.io.image.TrainingCrop;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Decoding and the official training transform against Pillow + torchvision, byte for byte: every PNG mode PIL
 * opens (RGB, RGBA, L, LA, P with tRNS, I;16, 1-bit) and baseline JPEG, through convert("RGB"),
 * transforms.Resize(n) and scripts/train.py's center_crop_arr.
 */
class OfficialTransformTest {

    @ParameterizedTest
    @ValueSource(strings = {"rgb.png", "rgba.png", "gray.png", "gray-alpha.png", "palette.png", "gray16.png",
            "bilevel.png", "rgb.jpg", "gray.jpg"})
    void decodesAndCropsLikePillow(String file) {
        String key = file.replace('.', '_').replace('-', '_');
        RgbImage img = ImageFiles.readRgb(DataFixtures.resource(file));
        try (SafetensorsFile f = DataFixtures.expected()) {
            assertArrayEquals(DataFixtures.hwc(f, key + ".rgb").rgb(), img.rgb(), file + " convert(\"RGB\")");
            assertArrayEquals(DataFixtures.hwc(f, key + ".crop16").rgb(), TrainingCrop.official(img, 16).rgb(), file + " at 16");
            assertArrayEquals(DataFixtures.hwc(f, key + ".crop8").rgb(), TrainingCrop.official(img, 8).rgb(), file + " at 8");
        }
    }

    @Test
    void floorsTheOddCropOffsetAfterALargeDownscale() {
        RgbImage img = ImageFiles.readRgb(DataFixtures.resource("big.png")); // 86x57 -> 24x16, offset 4
        try (SafetensorsFile f = DataFixtures.expected()) {
            assertArrayEquals(DataFixtures.hwc(f, "big_png.crop16").rgb(), TrainingCrop.official(img, 16).rgb());
        }
    }

    @Test
    void refusesCmykWithAMessage() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(ImageFiles.BadImageException.class,
                () -> ImageFiles.readRgb(DataFixtures.resource("cmyk.jpg")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("unsupported colour space (CMYK)"), e.getMessage());
    }

    @Test
    void toTensorThenNormalizeIsTwiceUMinusOne() {
        // ToTensor: u = b / 255f; Normalize([.5], [.5]): (u - 0.5f) / 0.5f, all float32
        byte[] all = new byte[3 * 256];
        for (int b = 0; b < 256; b++) all[3 * b] = all[3 * b + 1] = all[3 * b + 2] = (byte) b;
        float[] t = ImageTensors.toTensor(new RgbImage(256, 1, all)).toFloatArray();
        for (int b = 0; b < 256; b++) {
            float u = b / 255f, expected = (u - 0.5f) / 0.5f;
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(t[b]), "byte " + b);
        }
    }
}
