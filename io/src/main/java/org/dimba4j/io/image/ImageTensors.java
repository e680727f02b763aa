package org.dimba4j.io.image;

import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

/**
 * Pixels <-> VAE tensors exactly as diffusers' VaeImageProcessor: preprocess u / 255 * 2 - 1, postprocess
 * (x * 0.5 + 0.5).clamp(0, 1) * 255 rounded half-to-even (numpy round), all in float32.
 */
public final class ImageTensors {
    private ImageTensors() {}

    /** An RGB picture as a [3, H, W] f32 tensor in [-1, 1]. */
    public static Tensor toTensor(RgbImage img) {
        int w = img.width(), h = img.height(), plane = w * h;
        float[] out = new float[3 * plane];
        byte[] rgb = img.rgb();
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float unit = (rgb[3 * i + c] & 0xff) / 255f;
                out[c * plane + i] = 2f * unit - 1f;
            }
        }
        return Tensor.of(out, 3, h, w);
    }

    /** A [3, H, W] (or [1, 3, H, W]) host tensor in [-1, 1] as an 8-bit RGB picture. */
    public static RgbImage toImage(Tensor chw) {
        int[] s = chw.shape();
        boolean batched = s.length == 4 && s[0] == 1;
        if (!(s.length == 3 || batched) || s[s.length - 3] != 3) {
            throw new IllegalArgumentException("image tensor has shape " + Shape.str(s) + ", expected [3, H, W] or [1, 3, H, W]");
        }
        int h = s[s.length - 2], w = s[s.length - 1], plane = w * h;
        float[] x = chw.toFloatArray();
        byte[] rgb = new byte[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) rgb[3 * i + c] = (byte) toUint8(x[c * plane + i]);
        }
        return new RgbImage(w, h, rgb);
    }

    /** One value in [-1, 1] to 0..255 as VaeImageProcessor.postprocess + numpy_to_pil; NaN maps to 0. */
    public static int toUint8(float x) {
        float unit = x * 0.5f + 0.5f;
        if (!(unit > 0f)) return 0; // also NaN
        if (unit > 1f) unit = 1f;
        return (int) Math.rint(unit * 255f);
    }
}
