package org.dimba4j.io.image;

import org.dimba4j.io.safetensors.SafetensorsFile;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The image fixtures of tools/fixtures/vae/make_fixtures.py (diffusers VaeImageProcessor, torchvision, Pillow). */
final class ImageFixtures {
    private ImageFixtures() {}

    static Path resource(String name) {
        try {
            return Path.of(ImageFixtures.class.getResource("/fixtures/image/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource fixtures/image/" + name, e);
        }
    }

    static SafetensorsFile tensors() {
        return SafetensorsFile.open(resource("image.safetensors"));
    }

    /** An [H, W, 3] integer tensor of the fixtures as an RgbImage. */
    static RgbImage hwc(SafetensorsFile f, String name) {
        var t = f.get(name);
        long[] v = t.toLongArray();
        byte[] rgb = new byte[v.length];
        for (int i = 0; i < v.length; i++) rgb[i] = (byte) v[i];
        return new RgbImage(t.dim(1), t.dim(0), rgb);
    }
}
