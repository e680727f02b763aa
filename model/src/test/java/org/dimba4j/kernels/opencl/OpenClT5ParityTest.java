package org.dimba4j.kernels.opencl;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.t5.T5Encoder;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The T5 encoder (relative-position attention bias, padding mask, gated-GELU and ReLU FFNs, bf16 shards) on OpenCL
 * against the transformers outputs the t5 module's fixtures hold, within the CPU test's bound (max |diff| &lt; 1e-4).
 */
class OpenClT5ParityTest {
    @ParameterizedTest
    @ValueSource(strings = {"v11-gated", "orig-relu", "gated-bf16-sharded"})
    void lastHiddenStateMatchesTransformersOnOpenCl(String name) throws URISyntaxException {
        var dev = OpenClDevices.best();
        if (dev.isEmpty()) {
            if (Boolean.getBoolean("dimba.requireOpencl") || "1".equals(System.getenv("DIMBA_REQUIRE_OPENCL"))) {
                Assertions.fail("OpenCL is required (dimba.requireOpencl / DIMBA_REQUIRE_OPENCL) but no device was found");
            }
            Assumptions.abort("no OpenCL device");
        }
        Path dir = Path.of(OpenClT5ParityTest.class.getResource("/fixtures/t5/" + name).toURI());
        try (OpenClBackend cl = OpenClBackend.create(dev.get(), 64); T5Encoder enc = T5Encoder.load(dir, cl);
             SafetensorsFile io = SafetensorsFile.open(dir.resolve("io.safetensors"))) {
            Tensor want = io.get("last_hidden_state");
            Tensor got = cl.download(enc.encode(io.get("input_ids"), io.get("attention_mask")));
            Assertions.assertArrayEquals(want.shape(), got.shape());
            float[] w = want.toFloatArray(), g = got.toFloatArray();
            double maxErr = 0;
            for (int i = 0; i < w.length; i++) maxErr = Math.max(maxErr, Math.abs(w[i] - g[i]));
            Assertions.assertTrue(maxErr < 1e-4, name + " on " + cl.name() + ": max |diff| " + maxErr);
        }
    }
}
