package org.dimba4j.infer.parity;

import org.dimba4j.kernels.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputContractTest {

    private static InputContract transformer() {
        return new InputContract("transformer", ForwardComponent.TRANSFORMER.inputs(2), Map.of("Cin", 4, "C", 32));
    }

    private static Map<String, Tensor> transformerInputs(int maskLen) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x", Tensor.zeros(2, 4, 8, 6));
        m.put("timestep", Tensor.zeros(2));
        m.put("y", Tensor.zeros(2, 1, 16, 32));
        m.put("mask", Tensor.ofLongs(new long[2 * maskLen], 2, maskLen));
        return m;
    }

    @Test
    void bindsSymbols() {
        Map<String, Integer> b = transformer().check(transformerInputs(16), "in.safetensors");
        assertEquals(2, b.get("B"));
        assertEquals(16, b.get("L"));
        assertEquals(8, b.get("h"));
        assertEquals(6, b.get("w"));
    }

    @Test
    void maskIsOptional() {
        Map<String, Tensor> in = transformerInputs(16);
        in.remove("mask");
        assertEquals(2, transformer().check(in, "in").get("B"));
    }

    @Test
    void misShapedTensorNamesItAndBothShapes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> transformer().check(transformerInputs(15), "in.safetensors"));
        assertEquals("input tensor 'mask' in in.safetensors has shape [2, 15], expected [B=2, L=16]: L is 16 but "
                + "dimension 1 is 15", e.getMessage());
    }

    @Test
    void fixedChannelsAreChecked() {
        Map<String, Tensor> in = transformerInputs(16);
        in.put("y", Tensor.zeros(2, 1, 16, 64));
        var e = assertThrows(IllegalArgumentException.class, () -> transformer().check(in, "f"));
        assertTrue(e.getMessage().startsWith("input tensor 'y' in f has shape [2, 1, 16, 64], expected "
                + "[B=2, 1, L, C=32]"), e.getMessage());
    }

    @Test
    void missingAndExtraTensors() {
        Map<String, Tensor> in = transformerInputs(16);
        in.remove("timestep");
        var e = assertThrows(IllegalArgumentException.class, () -> transformer().check(in, "f"));
        assertTrue(e.getMessage().startsWith("input tensor 'timestep' is missing from f: transformer expects "
                + "timestep [B=2] F32"), e.getMessage());
        Map<String, Tensor> extra = transformerInputs(16);
        extra.put("t", Tensor.zeros(2));
        e = assertThrows(IllegalArgumentException.class, () -> transformer().check(extra, "f"));
        assertEquals("unexpected input tensor 't' [2] in f: transformer takes x, timestep, y, mask (optional)",
                e.getMessage());
    }

    @Test
    void spatialSizeMustDivide() {
        var c = new InputContract("vae.encode", ForwardComponent.VAE_ENCODE.inputs(8), Map.of("Cin", 3));
        var e = assertThrows(IllegalArgumentException.class,
                () -> c.check(Map.of("sample", Tensor.zeros(1, 3, 64, 60)), "f"));
        assertTrue(e.getMessage().endsWith("dimension 3 (W = 60) must be a multiple of 8"), e.getMessage());
    }

    @Test
    void dtypeKindIsChecked() {
        var c = new InputContract("text_encoder", ForwardComponent.TEXT_ENCODER.inputs(1), Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> c.check(
                Map.of("input_ids", Tensor.zeros(1, 4), "attention_mask", Tensor.ofLongs(new long[4], 1, 4)), "f"));
        assertEquals("input tensor 'input_ids' in f is F32, expected I64 (or I32)", e.getMessage());
    }

    @Test
    void integerTimestepsAndMasksOfAnyIntegerWidthAreAccepted() {
        // torch.tensor([999, 500]) is I64; the official forward takes it (t_embedder casts to float)
        Map<String, Tensor> in = transformerInputs(16);
        in.put("timestep", Tensor.ofLongs(new long[] {999, 500}, 2));
        assertEquals(2, transformer().check(in, "f").get("B"));
        in.put("x", Tensor.ofLongs(new long[2 * 4 * 8 * 6], 2, 4, 8, 6));
        var e = assertThrows(IllegalArgumentException.class, () -> transformer().check(in, "f"));
        assertEquals("input tensor 'x' in f is I64, expected F32 (or F16/BF16/F64)", e.getMessage());
    }
}
