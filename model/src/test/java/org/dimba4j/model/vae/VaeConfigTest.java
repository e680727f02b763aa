package org.dimba4j.model.vae;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config parsing and the list of tensors a config implies. */
class VaeConfigTest {

    @Test
    void expectedTensorsAreExactlyTheDiffusersCheckpointKeys() {
        for (String model : new String[] {"sdxl-tiny", "small"}) {
            VaeConfig config = VaeConfig.load(VaeFixtures.resource(model).resolve("config.json"));
            Map<String, int[]> expected = AutoencoderKL.expectedTensors(config);
            try (SafetensorsFile f = SafetensorsFile.open(VaeFixtures.resource(model).resolve("diffusion_pytorch_model.safetensors"))) {
                assertEquals(f.names(), expected.keySet(), model);
                for (String k : f.names()) assertArrayEquals(f.get(k).shape(), expected.get(k), model + " " + k);
            }
        }
    }

    /** diffusers' AutoencoderKL with the SDXL config has 248 tensors, 83,653,863 parameters. */
    @Test
    void sdxlShapesMatchDiffusersCounts() {
        Map<String, int[]> t = AutoencoderKL.expectedTensors(VaeConfig.sdxl());
        long params = 0;
        for (int[] s : t.values()) {
            long n = 1;
            for (int d : s) n *= d;
            params += n;
        }
        assertEquals(248, t.size());
        assertEquals(83_653_863L, params);
        assertArrayEquals(new int[] {512, 512}, t.get("decoder.mid_block.attentions.0.to_q.weight"));
        assertArrayEquals(new int[] {128, 256, 1, 1}, t.get("decoder.up_blocks.3.resnets.0.conv_shortcut.weight"));
    }

    @Test
    void jsonRoundTrip() throws IOException {
        VaeConfig sdxl = VaeConfig.sdxl();
        assertEquals(sdxl, VaeConfig.fromJson(new ObjectMapper().readTree(sdxl.toJson()), "test"));
        VaeConfig tiny = VaeConfig.load(VaeFixtures.resource("small").resolve("config.json"));
        assertEquals(tiny, VaeConfig.fromJson(new ObjectMapper().readTree(tiny.toJson()), "test"));
        assertEquals(4, tiny.downsampleFactor());
    }

    @Test
    void defaultsAndErrors() throws IOException {
        ObjectMapper om = new ObjectMapper();
        VaeConfig d = VaeConfig.fromJson(om.readTree("{\"block_out_channels\": [64]}"), "c.json");
        assertEquals(0.18215f, d.scalingFactor());
        assertEquals(32, d.normNumGroups());
        assertTrue(d.useQuantConv() && d.usePostQuantConv() && d.midBlockAddAttention());
        var groups = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson(om.readTree("{\"block_out_channels\": [48], \"norm_num_groups\": 32}"), "c.json"));
        assertTrue(groups.getMessage().startsWith("c.json: ") && groups.getMessage().contains("norm_num_groups 32"), groups.getMessage());
        var cls = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson(om.readTree("{\"_class_name\": \"AutoencoderTiny\"}"), "c.json"));
        assertTrue(cls.getMessage().contains("AutoencoderTiny"), cls.getMessage());
        var act = assertThrows(IllegalArgumentException.class,
                () -> VaeConfig.fromJson(om.readTree("{\"act_fn\": \"gelu\"}"), "c.json"));
        assertTrue(act.getMessage().contains("gelu"), act.getMessage());
    }

    @Test
    void syntheticWeightsLoadAndDecode() {
        VaeConfig config = VaeConfig.load(VaeFixtures.resource("small").resolve("config.json"));
        try (AutoencoderKL vae = AutoencoderKL.of(config, new SyntheticVaeWeights(config, DType.F16, 1), Backends.cpu())) {
            Tensor image = vae.decode(Tensor.zeros(1, 6, 2, 3));
            assertArrayEquals(new int[] {1, 3, 8, 12}, image.shape());
            for (float v : image.toFloatArray()) assertTrue(Float.isFinite(v));
        }
    }
}
