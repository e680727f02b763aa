package org.dimba4j.model.dimba;

import org.dimba4j.io.safetensors.SafetensorsFile;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.junit.jupiter.api.Test;

import static org.dimba4j.model.dimba.Fixtures.assertClose;

/** The official DimbaBlock: adaLN-single, self-attention, cross-attention with the caption mask, MLP. */
class DimbaBlockTest {
    private final Backend be = Backends.cpu();

    @Test
    void matchesOfficialBlockWithPaddingDropped() {
        try (SafetensorsFile f = Fixtures.open("dimba_block.safetensors")) {
            DimbaBlock block = DimbaKeys.lenient(Fixtures.tiny(32, 1, 16, 4), f).block(0);
            // the official block sees the valid caption tokens packed with a block-diagonal mask
            var mask = f.get("mask");
            assertClose(f.get("out"), block.forward(be, f.get("x"), f.get("y"), Fixtures.floatMask(mask), f.get("t0")),
                    1e-4, "block with mask");
        }
    }

    @Test
    void matchesOfficialBlockWithoutMask() {
        try (SafetensorsFile f = Fixtures.open("dimba_block.safetensors")) {
            DimbaBlock block = DimbaKeys.lenient(Fixtures.tiny(32, 1, 16, 4), f).block(0);
            assertClose(f.get("out_nomask"), block.forward(be, f.get("x"), f.get("y"), null, f.get("t0")),
                    1e-4, "block without mask");
        }
    }
}
