package org.dimba4j.model.dimba;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Golden fixtures made by tools/fixtures/dimba/make_fixtures.py from the official code. */
final class Fixtures {
    private Fixtures() {}

    static Path path(String name) {
        var url = Fixtures.class.getResource("/fixtures/dimba/" + name);
        if (url == null) throw new IllegalStateException("fixture " + name + " missing; see tools/fixtures/dimba/README.md");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SafetensorsFile open(String name) {
        return SafetensorsFile.open(path(name));
    }

    /** |actual - expected| <= tol * max(1, |expected|) everywhere; the message gives the worst element. */
    static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
            if (!(err <= worst)) {
                worst = err;
                at = i;
            }
        }
        if (!(worst <= tol)) {
            fail(what + ": error " + worst + " at flat index " + at + " (expected " + e[at] + ", got " + a[at] + ")");
        }
    }

    /** An I64 0/1 mask as the f32 key mask the attention takes. */
    static Tensor floatMask(Tensor mask) {
        return Tensor.of(mask.toFloatArray(), mask.shape());
    }

    /** The tiny test config with another width/depth, for single-module fixtures. */
    static DimbaConfig tiny(int hidden, int depth, int dState, int dConv) {
        return DimbaConfig.builder().inputSize(8).hiddenSize(hidden).depth(depth).numHeads(4).captionChannels(24)
                .modelMaxLength(8).dState(dState).dConv(dConv).build();
    }
}
