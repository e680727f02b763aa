package org.dimba4j.model.dimba;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The builder and presets give the same records as the shipped config files. */
class DimbaPresetsTest {

    @Test
    void presetsAreTheShippedConfigs() {
        assertEquals(DimbaConfig.named("dimba-l-512"), DimbaPresets.dimbaL(512).build());
        assertEquals(DimbaConfig.named("dimba-l-1024"), DimbaPresets.dimbaL(1024).build());
        assertEquals(DimbaConfig.named("dimba-g-512"), DimbaPresets.dimbaG(512).build());
        assertEquals(DimbaConfig.named("dimba-g-1024"), DimbaPresets.dimbaG(1024).build());
        assertEquals(DimbaConfig.load(Path.of("../models/tiny-reference/transformer/config.json")),
                DimbaPresets.tinyReference().build());
        DimbaConfig l256 = DimbaPresets.dimbaL(256).build();
        assertEquals(32, l256.inputSize());
        assertEquals(0.5, l256.peInterpolation());
        assertEquals(1152, l256.hiddenSize());
    }

    @Test
    void builderRoundTripsAndChecks() {
        DimbaConfig g = DimbaConfig.named("dimba-g-1024");
        assertEquals(g, g.toBuilder().build());
        assertEquals(20, g.toBuilder().depth(20).build().depth());
        var e = assertThrows(IllegalArgumentException.class, () -> DimbaConfig.builder().hiddenSize(1000).numHeads(16).build());
        assertEquals("Dimba config: hidden_size 1000 is not divisible by num_heads 16", e.getMessage());
        var p = assertThrows(IllegalArgumentException.class, () -> DimbaPresets.dimbaL(768));
        assertEquals("Dimba presets exist for 256, 512 and 1024 px images, not 768", p.getMessage());
    }
}
