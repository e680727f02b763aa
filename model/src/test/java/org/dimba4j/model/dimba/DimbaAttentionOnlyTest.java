package org.dimba4j.model.dimba;

import org.dimba4j.io.TensorSource;
import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static org.dimba4j.model.dimba.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Dimba#attentionOnly}: the DimbaBlocks alone (PixArt-style), for the hybrid versus attention benchmark. */
class DimbaAttentionOnlyTest {
    private final Backend be = Backends.cpu();

    @Test
    void expectedTensorsAreTheHybridsWithoutMambaBlocks() {
        DimbaConfig c = DimbaConfig.named("dimba-l-512");
        Map<String, int[]> hybrid = DimbaKeys.expected(c), attention = DimbaKeys.expected(c, false);
        Set<String> kept = new LinkedHashSet<>(hybrid.keySet());
        kept.removeIf(n -> n.startsWith("mamba_blocks."));
        assertEquals(kept, attention.keySet());
        // 28 Mamba layers of 17 tensors each (2 x (A_log, D, conv1d weight + bias, x_proj, dt_proj weight + bias),
        // in_proj, out_proj, norm)
        assertEquals(913 - 28 * 17, attention.size());
    }

    /** The tiny official model minus its Mamba layers equals patch embed + blocks + final layer run by hand. */
    @Test
    void forwardIsTheBlocksAloneAndDiffersFromTheHybrid() {
        DimbaConfig c = DimbaConfig.load(Fixtures.path("tiny/config.json"));
        try (SafetensorsFile io = Fixtures.open("tiny-io.safetensors");
             Dimba hybrid = Dimba.load(Fixtures.path("tiny"), be);
             Dimba attention = Dimba.attentionOnly(c, withoutMamba(Fixtures.open("tiny/model.safetensors")), be)) {
            assertTrue(hybrid.hasMambaLayers());
            assertFalse(attention.hasMambaLayers());
            Tensor x = io.get("x"), t = io.get("timestep"), y = io.get("y"), mask = io.get("mask");
            Tensor out = attention.forward(x, t, y, mask);

            try (SafetensorsFile w = Fixtures.open("tiny/model.safetensors")) {
                DimbaKeys k = DimbaKeys.lenient(c, w);
                Tensor temb = k.tEmbedder().forward(be, t);
                Tensor t0 = k.tBlock().forward(be, be.silu(temb));
                Tensor cond = k.yEmbedder().forward(be, y);
                int h = x.dim(2) / 2, wd = x.dim(3) / 2;
                Tensor hidden = be.add(k.xEmbedder().forward(be, x),
                        SinCosPosEmbed.compute(c.hiddenSize(), h, wd, c.baseSize(), c.peInterpolation()));
                for (int i = 0; i < c.depth(); i++) hidden = k.block(i).forward(be, hidden, cond, Fixtures.floatMask(mask), t0);
                Tensor tokens = k.finalLayer().forward(be, hidden, temb); // [B, h*w, p*p*out]
                Tensor expected = be.permute(tokens.reshape(x.dim(0), h, wd, 2, 2, c.outChannels()), 0, 5, 1, 3, 2, 4)
                        .reshape(x.dim(0), c.outChannels(), 2 * h, 2 * wd);
                assertClose(expected, out, 1e-6, "attention-only forward");
            }
            // the hybrid's Mamba layers do change the output (so the comparison measures two different networks)
            float[] a = out.toFloatArray(), b = io.get("out").toFloatArray();
            double diff = 0;
            for (int i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
            assertTrue(diff > 1e-2, "attention-only output equals the hybrid's (max diff " + diff + ")");
        }
    }

    @Test
    void attentionOnlyRejectsMambaTensorsByName() {
        DimbaConfig c = DimbaConfig.load(Fixtures.path("tiny/config.json"));
        try (SafetensorsFile hybridWeights = Fixtures.open("tiny/model.safetensors")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Dimba.attentionOnly(c, hybridWeights, be));
            assertTrue(e.getMessage().contains("mamba layers 0"), e.getMessage());
            assertTrue(e.getMessage().contains("unexpected tensor mamba_blocks.0.mixer.A_log"), e.getMessage());
        }
    }

    /** Weights with no Mamba tensor at all (what init-model --attention-only writes) load as the attention-only stack. */
    @Test
    void ofRecognisesAttentionOnlyWeightsByTheAbsenceOfEveryMambaTensor() {
        DimbaConfig c = DimbaConfig.load(Fixtures.path("tiny/config.json"));
        try (SafetensorsFile io = Fixtures.open("tiny-io.safetensors");
             Dimba viaOf = Dimba.of(c, withoutMamba(Fixtures.open("tiny/model.safetensors")), be);
             Dimba explicit = Dimba.attentionOnly(c, withoutMamba(Fixtures.open("tiny/model.safetensors")), be)) {
            assertFalse(viaOf.hasMambaLayers());
            Tensor x = io.get("x"), t = io.get("timestep"), y = io.get("y"), mask = io.get("mask");
            assertArrayEquals(explicit.forward(x, t, y, mask).toFloatArray(), viaOf.forward(x, t, y, mask).toFloatArray());
        }
    }

    /** One Mamba tensor missing is a broken hybrid checkpoint, not an attention-only one: the error names it. */
    @Test
    void ofNamesTheMissingTensorOfAPartialMambaLayer() {
        DimbaConfig c = DimbaConfig.load(Fixtures.path("tiny/config.json"));
        var e = assertThrows(IllegalArgumentException.class, () -> Dimba.of(c,
                without(Fixtures.open("tiny/model.safetensors"), n -> n.equals("mamba_blocks.0.norm.weight")), be));
        assertTrue(e.getMessage().contains("mamba_blocks.0.norm.weight"), e.getMessage());
    }

    /** The file's tensors except {@code mamba_blocks.*}; closing it closes the file. */
    private static TensorSource withoutMamba(SafetensorsFile file) {
        return without(file, n -> n.startsWith("mamba_blocks."));
    }

    private static TensorSource without(SafetensorsFile file, java.util.function.Predicate<String> drop) {
        Set<String> names = new LinkedHashSet<>(file.names());
        names.removeIf(drop);
        return new TensorSource() {
            @Override
            public Set<String> names() {
                return names;
            }

            @Override
            public Tensor get(String name) {
                if (!names.contains(name)) throw new IllegalArgumentException("no tensor " + name);
                return file.get(name);
            }

            @Override
            public String description() {
                return file.description() + " (some tensors left out)";
            }

            @Override
            public void close() {
                file.close();
            }
        };
    }
}
