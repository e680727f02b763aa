package org.dimba4j.train.data;

import org.dimba4j.io.image.RgbImage;
import org.dimba4j.io.safetensors.SafetensorsFile;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The fixtures of tools/fixtures/data/make_fixtures.py (Pillow + torchvision + the official center_crop_arr). */
final class DataFixtures {
    private DataFixtures() {}

    static Path resource(String name) {
        try {
            return Path.of(DataFixtures.class.getResource("/fixtures/data/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource fixtures/data/" + name, e);
        }
    }

    static SafetensorsFile expected() {
        return SafetensorsFile.open(resource("expected.safetensors"));
    }

    /** An [H, W, 3] uint8 tensor of the fixtures as an RgbImage. */
    static RgbImage hwc(SafetensorsFile f, String name) {
        var t = f.get(name);
        long[] v = t.toLongArray();
        byte[] rgb = new byte[v.length];
        for (int i = 0; i < v.length; i++) rgb[i] = (byte) v[i];
        return new RgbImage(t.dim(1), t.dim(0), rgb);
    }
}
