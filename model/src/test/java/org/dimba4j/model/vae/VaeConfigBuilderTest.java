package org.dimba4j.model.vae;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The VAE builder's defaults are diffusers' (an empty config); toBuilder round-trips the tiny reference's VAE. */
class VaeConfigBuilderTest {

    private static void assertSame(VaeConfig e, VaeConfig a) {
        assertEquals(e.inChannels(), a.inChannels());
        assertEquals(e.outChannels(), a.outChannels());
        assertArrayEquals(e.blockOutChannels(), a.blockOutChannels());
        assertEquals(e.layersPerBlock(), a.layersPerBlock());
        assertEquals(e.latentChannels(), a.latentChannels());
        assertEquals(e.normNumGroups(), a.normNumGroups());
        assertEquals(e.sampleSize(), a.sampleSize());
        assertEquals(e.scalingFactor(), a.scalingFactor());
        assertEquals(e.shiftFactor(), a.shiftFactor());
        assertEquals(e.useQuantConv(), a.useQuantConv());
        assertEquals(e.usePostQuantConv(), a.usePostQuantConv());
        assertEquals(e.midBlockAddAttention(), a.midBlockAddAttention());
    }

    @Test
    void defaultsAndRoundTrip() throws Exception {
        assertSame(VaeConfig.fromJson(new ObjectMapper().readTree("{}"), "empty"), VaeConfig.builder().build());
        VaeConfig tiny = VaeConfig.load(Path.of("../models/tiny-reference/vae/config.json"));
        assertSame(tiny, tiny.toBuilder().build());
        assertSame(VaeConfig.sdxl(), VaeConfig.builder().blockOutChannels(128, 256, 512, 512).layersPerBlock(2)
                .sampleSize(1024).scalingFactor(0.13025f).build());
    }
}
