package org.dimba4j.model.dimba;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DimbaConfigTest {

    @Test
    void releasedConfigsFollowTheOfficialInferenceScript() {
        DimbaConfig l512 = DimbaConfig.named("dimba-l-512");
        assertEquals(64, l512.inputSize());
        assertEquals(32, l512.baseSize());
        assertEquals(1.0, l512.peInterpolation());
        assertEquals(28, l512.depth());
        assertEquals(1152, l512.hiddenSize());
        assertEquals(8, l512.outChannels());
        assertEquals(300, l512.modelMaxLength());
        assertEquals(72, l512.dtRank());
        assertEquals(2304, l512.dInner());
        DimbaConfig g1024 = DimbaConfig.named("dimba-g-1024");
        assertEquals(1408, g1024.hiddenSize());
        assertEquals(40, g1024.depth());
        assertEquals(64, g1024.baseSize());
        assertEquals(2.0, g1024.peInterpolation());
        assertEquals(88, g1024.dtRank());
        for (String n : DimbaConfig.NAMES) assertEquals(DimbaConfig.named(n), DimbaConfig.parse(DimbaConfig.named(n).toJson(), n));
    }

    @Test
    void absentKeysTakeTheOfficialDefaults() {
        DimbaConfig c = DimbaConfig.parse("{\"_class_name\": \"Dimba\", \"drop_path\": 0.0}", "test");
        assertEquals(new DimbaConfig(32, 2, 4, 1152, 28, 16, 4.0, 1.0, true, true, 4096, 1.0, 120, 16, 4, 2), c);
    }

    @Test
    void mambaScheduleIsTheOfficialIndexing() {
        DimbaConfig one = DimbaConfig.parse("{\"depth\": 4}", "t");
        for (int i = 0; i < 4; i++) assertEquals(i, one.mambaAfterBlock(i));
        DimbaConfig half = DimbaConfig.parse("{\"depth\": 28, \"mamba_ratio\": 0.5}", "t");
        assertEquals(14, half.mambaDepth());
        assertEquals(-1, half.mambaAfterBlock(0));
        assertEquals(0, half.mambaAfterBlock(1));
        assertEquals(13, half.mambaAfterBlock(27));
        DimbaConfig quarter = DimbaConfig.parse("{\"depth\": 28, \"mamba_ratio\": 0.25}", "t");
        assertEquals(4, quarter.gap());
        assertEquals(1, quarter.mambaAfterBlock(5));
        assertEquals(-1, quarter.mambaAfterBlock(4));
    }

    @Test
    void rejectsWhatTheOfficialCodeCannotRun() {
        assertMessage("{\"mamba_ratio\": 0}", "mamba_ratio 0.0 is not supported");
        assertMessage("{\"depth\": 28, \"mamba_ratio\": 0.01}", "gives int(0.01 * 28) = 0 Mamba layers");
        assertMessage("{\"mamba_ratio\": 2.0}", "ZeroDivisionError");
        // 0.3 * 28 -> 8 layers, gap 3, but blocks 1, 4, ..., 25 reach mamba_blocks[8]
        assertMessage("{\"depth\": 28, \"mamba_ratio\": 0.3}", "reaches mamba_blocks[8] after block 25");
        assertMessage("{\"depth\": 28, \"mamba_ratio\": 0.75}", "IndexError");
        assertMessage("{\"hidden_size\": 1000}", "not divisible by num_heads");
        assertMessage("{\"qk_norm\": true}", "qk_norm = true is not supported");
        assertMessage("{\"hiden_size\": 1152}", "unknown key 'hiden_size'");
        assertMessage("{\"depth\": \"28\"}", "depth must be a number");
    }

    private static void assertMessage(String json, String part) {
        var e = assertThrows(IllegalArgumentException.class, () -> DimbaConfig.parse(json, "test.json"));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
