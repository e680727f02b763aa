package org.dimba4j.model.t5;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A batch row whose attention_mask is all zeros, against transformers' T5EncoderModel
 * (tools/fixtures/t5/make_fixtures.py masked-row): there every key is masked, transformers' softmax is uniform
 * over all keys, and the other rows of the batch must not notice.
 */
class T5FullyMaskedRowTest {

    @ParameterizedTest
    @ValueSource(strings = {"v11-gated", "orig-relu"})
    void fullyMaskedRowMatchesTransformers(String name) {
        Path dir = T5EncoderTest.fixture(name);
        for (Backend be : new Backend[] {Backends.cpu(), new ReferenceBackend()}) {
            try (be; T5Encoder enc = T5Encoder.load(dir, be); SafetensorsFile io = SafetensorsFile.open(dir.resolve("io-masked-row.safetensors"))) {
                Tensor mask = io.get("attention_mask"), want = io.get("last_hidden_state");
                long[] m = mask.toLongArray();
                int len = mask.dim(1);
                for (int j = 0; j < len; j++) assertEquals(0L, m[j], "fixture row 0 should mask every key");
                Tensor got = be.download(enc.encode(io.get("input_ids"), mask));
                assertArrayEquals(want.shape(), got.shape());
                float[] w = want.toFloatArray(), g = got.toFloatArray();
                int rows = want.dim(0), rowSize = w.length / rows;
                for (int b = 0; b < rows; b++) {
                    double maxErr = 0;
                    for (int i = b * rowSize; i < (b + 1) * rowSize; i++) maxErr = Math.max(maxErr, Math.abs(w[i] - g[i]));
                    assertTrue(maxErr < 1e-4, name + " on " + be.name() + ", row " + b + ": max |diff| " + maxErr);
                }
            }
        }
    }
}
