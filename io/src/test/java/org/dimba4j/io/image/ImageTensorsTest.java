package org.dimba4j.io.image;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** [-1, 1] <-> uint8 exactly as diffusers' VaeImageProcessor (postprocess + numpy_to_pil, preprocess). */
class ImageTensorsTest {

    @Test
    void postprocessMatchesDiffusersBitForBit() {
        try (SafetensorsFile f = ImageFixtures.tensors()) {
            Tensor x = f.get("x"); // [2, 3, 16, 16]: a sweep over [-1.2, 1.2] (clamp, ties) and random values
            long[] expected = f.get("uint8").toLongArray(); // [2, 16, 16, 3]
            float[] xs = x.toFloatArray();
            int plane = 16 * 16;
            for (int b = 0; b < 2; b++) {
                RgbImage img = ImageTensors.toImage(Tensor.of(Arrays.copyOfRange(xs, b * 3 * plane, (b + 1) * 3 * plane), 3, 16, 16));
                for (int i = 0; i < 3 * plane; i++) {
                    assertEquals(expected[b * 3 * plane + i], img.rgb()[i] & 0xff, "image " + b + " byte " + i);
                }
            }
        }
    }

    @Test
    void preprocessMatchesDiffusersBitForBit() {
        try (SafetensorsFile f = ImageFixtures.tensors()) {
            RgbImage img = secondImage(f); // diffusers preprocessed the second postprocessed image
            Tensor t = ImageTensors.toTensor(img);
            assertArrayEquals(new int[] {3, 16, 16}, t.shape());
            assertArrayEquals(f.get("preprocessed").toFloatArray(), t.toFloatArray(), 0f);
        }
    }

    private static RgbImage secondImage(SafetensorsFile f) {
        long[] v = f.get("uint8").toLongArray();
        byte[] rgb = new byte[16 * 16 * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) v[rgb.length + i];
        return new RgbImage(16, 16, rgb);
    }

    @Test
    void everyByteSurvivesARoundTrip() {
        byte[] rgb = new byte[256 * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i / 3);
        RgbImage img = new RgbImage(256, 1, rgb);
        assertArrayEquals(rgb, ImageTensors.toImage(ImageTensors.toTensor(img)).rgb());
    }

    @Test
    void clampsAndMapsNanToBlack() {
        assertEquals(0, ImageTensors.toUint8(Float.NaN));
        assertEquals(0, ImageTensors.toUint8(-5f));
        assertEquals(255, ImageTensors.toUint8(5f));
        assertEquals(128, ImageTensors.toUint8(0f)); // 127.5 rounds half to even: 128
        assertEquals(0, ImageTensors.toUint8(Float.NEGATIVE_INFINITY));
    }

    @Test
    void rejectsTensorsThatAreNotOneRgbImage() {
        var e = assertThrows(IllegalArgumentException.class, () -> ImageTensors.toImage(Tensor.zeros(2, 3, 4, 4)));
        assertEquals("image tensor has shape [2, 3, 4, 4], expected [3, H, W] or [1, 3, H, W]", e.getMessage());
    }
}
