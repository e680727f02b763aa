package org.dimba4j.model.dimba;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import static org.dimba4j.model.dimba.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class MambaTest {
    private final Backend be = Backends.cpu();

    /** One direction = Mamba-1: transformers' MambaMixer (slow path), d_state 8, conv width 3, random weights. */
    @Test
    void oneDirectionMatchesTransformersMambaMixer() {
        try (SafetensorsFile f = Fixtures.open("mamba1_transformers.safetensors")) {
            Mamba mixer = DimbaKeys.mamba1(Fixtures.tiny(24, 1, 8, 3), f, "mixer.");
            assertClose(f.get("out"), mixer.forward(be, f.get("hidden_states")), 1e-4, "MambaMixer output");
        }
    }

    /** The official bimamba-v2 mixer (mamba_simple.Mamba, its fast path with pure-PyTorch kernels). */
    @Test
    void bidirectionalMixerMatchesOfficialMambaSimpleV2() {
        try (SafetensorsFile f = Fixtures.open("bimamba_v2.safetensors")) {
            MambaBlock block = DimbaKeys.lenient(Fixtures.tiny(32, 1, 16, 4), f).mambaBlock(0);
            Tensor out = block.mixer().forward(be, f.get("hidden_states"));
            assertClose(f.get("mixer_out"), out, 1e-4, "bimamba v2 mixer");
            // the backward direction matters: dropping it must change the output
            Mamba forwardOnly = new Mamba(block.mixer().inProj(), block.mixer().forward(), null, block.mixer().outProj());
            float[] a = forwardOnly.forward(be, f.get("hidden_states")).toFloatArray();
            assertNotEquals(a[0], out.toFloatArray()[0]);
        }
    }

    /** Vim's Block: fused add + RMSNorm prenorm, the residual a separate stream. */
    @Test
    void prenormBlockKeepsTheResidualStream() {
        try (SafetensorsFile f = Fixtures.open("bimamba_v2.safetensors")) {
            MambaBlock block = DimbaKeys.lenient(Fixtures.tiny(32, 1, 16, 4), f).mambaBlock(0);
            MambaBlock.State first = block.forward(be, f.get("hidden_states"), null);
            assertClose(f.get("first_hidden"), first.hidden(), 1e-4, "first block hidden");
            assertClose(f.get("first_residual"), first.residual(), 0, "first block residual");
            MambaBlock.State next = block.forward(be, f.get("hidden_states"), f.get("residual"));
            assertClose(f.get("next_hidden"), next.hidden(), 1e-4, "block hidden");
            assertClose(f.get("next_residual"), next.residual(), 1e-6, "block residual");
        }
    }
}
