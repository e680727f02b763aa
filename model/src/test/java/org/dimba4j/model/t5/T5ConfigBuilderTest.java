package org.dimba4j.model.t5;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The T5 builder's defaults are what an empty config.json reads as; it rebuilds the tiny reference encoder. */
class T5ConfigBuilderTest {

    @Test
    void defaultsAndTheTinyReference(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("config.json"), "{}");
        assertEquals(T5Config.read(empty), T5Config.builder().build());
        assertEquals(T5Config.read(Path.of("../models/tiny-reference/text_encoder/config.json")),
                T5Config.builder().vocabSize(130).dModel(32).dKv(8).dFf(64).numLayers(2).numHeads(4)
                        .feedForwardProj("gated-gelu").build());
        T5Config xxl = T5ConfigBuilder.t5V11Xxl().build();
        assertEquals(4096, xxl.dModel());
        assertEquals(T5Config.Activation.GELU_TANH, xxl.activation());
        assertThrows(IllegalArgumentException.class, () -> T5Config.builder().numHeads(0).build());
    }
}
