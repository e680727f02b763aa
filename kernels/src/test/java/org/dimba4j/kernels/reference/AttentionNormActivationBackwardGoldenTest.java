package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;
import org.dimba4j.kernels.grad.NormGrads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.BiFunction;

import static org.dimba4j.kernels.reference.GradCheck.assertAllZero;
import static org.dimba4j.kernels.reference.GradCheck.assertClose;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The reference backward ops against PyTorch autograd ({@code tools/fixtures/grad/attention_norm_activation_grads.py}):
 * golden gradients computed in float64 from the same float32 inputs, rounded to float32. Agreement is to
 * 1e-5 relative + 1e-6 absolute (the f32 roundings of the stored forward output that some backwards take as input).
 */
class AttentionNormActivationBackwardGoldenTest {
    private static final ReferenceBackend REF = new ReferenceBackend();
    private static final GradFixtures FX = GradFixtures.load("/fixtures/grad/attention_norm_activation_grads.safetensors");
    private static final double ATOL = 1e-6, RTOL = 1e-5;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mask_bias", "batched_bias", "plain"})
    void attention(String name) {
        String p = "attention." + name + ".";
        Tensor q = FX.get(p + "q"), k = FX.get(p + "k"), v = FX.get(p + "v");
        int heads = (int) FX.get(p + "heads").toLongArray()[0];
        float scale = FX.scalar(p + "scale");
        Tensor mask = FX.has(p + "mask") ? FX.get(p + "mask") : null, bias = FX.has(p + "bias") ? FX.get(p + "bias") : null;
        assertClose(p + "forward", FX.get(p + "y"), REF.attention(q, k, v, heads, scale, mask, bias), ATOL, RTOL);
        AttentionGrads g = REF.attentionBackward(q, k, v, heads, scale, mask, bias, FX.get(p + "y"), FX.get(p + "dy"));
        assertClose(p + "dq", FX.get(p + "dq"), g.dq(), ATOL, RTOL);
        assertClose(p + "dk", FX.get(p + "dk"), g.dk(), ATOL, RTOL);
        assertClose(p + "dv", FX.get(p + "dv"), g.dv(), ATOL, RTOL);
        if (mask != null) {
            // batch entry 1 has no key: torch gives exact zeros there, and so must we
            int half = Math.toIntExact(q.numel() / 2), halfK = Math.toIntExact(k.numel() / 2);
            assertAllZero(p + "dq of the fully masked entry", g.dq().toFloatArray(), half, 2 * half);
            assertAllZero(p + "dk of the fully masked entry", g.dk().toFloatArray(), halfK, 2 * halfK);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"affine", "weight_only", "plain"})
    void layerNorm(String name) {
        String p = "layerNorm." + name + ".";
        Tensor x = FX.get(p + "x"), dy = FX.get(p + "dy");
        Tensor w = FX.has(p + "weight") ? FX.get(p + "weight") : null, b = FX.has(p + "bias") ? FX.get(p + "bias") : null;
        float eps = FX.scalar(p + "eps");
        assertClose(p + "forward", FX.get(p + "y"), REF.layerNorm(x, w, b, eps), ATOL, RTOL);
        NormGrads g = REF.layerNormBackward(x, w, eps, dy);
        assertClose(p + "dx", FX.get(p + "dx"), g.dx(), ATOL, RTOL);
        if (w == null) {
            assertNull(g.dWeight());
            assertNull(g.dBias());
            return;
        }
        assertClose(p + "dweight", FX.get(p + "dweight"), g.dWeight(), ATOL, RTOL);
        // dBias is sum over rows of dy whether or not the forward had a bias (torch has none to compare without one)
        Tensor dBias = b != null ? FX.get(p + "dbias") : REF.sumTo(dy, x.dim(-1));
        assertClose(p + "dbias", dBias, g.dBias(), ATOL, RTOL);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"weight", "plain"})
    void rmsNorm(String name) {
        String p = "rmsNorm." + name + ".";
        Tensor x = FX.get(p + "x"), dy = FX.get(p + "dy"), w = FX.has(p + "weight") ? FX.get(p + "weight") : null;
        float eps = FX.scalar(p + "eps");
        assertClose(p + "forward", FX.get(p + "y"), REF.rmsNorm(x, w, eps), ATOL, RTOL);
        NormGrads g = REF.rmsNormBackward(x, w, eps, dy);
        assertClose(p + "dx", FX.get(p + "dx"), g.dx(), ATOL, RTOL);
        assertNull(g.dBias());
        if (w == null) assertNull(g.dWeight());
        else assertClose(p + "dweight", FX.get(p + "dweight"), g.dWeight(), ATOL, RTOL);
    }

    @Test
    void softmax() {
        assertClose("softmax forward", FX.get("softmax.y"), REF.softmax(FX.get("softmax.x")), ATOL, RTOL);
        assertClose("softmax dx", FX.get("softmax.dx"), REF.softmaxBackward(FX.get("softmax.y"), FX.get("softmax.dy")), ATOL, RTOL);
    }

    @Test
    void activations() {
        Tensor x = FX.get("activation.x"), dy = FX.get("activation.dy");
        check("silu", REF.silu(x), REF::siluBackward, x, dy);
        check("geluTanh", REF.geluTanh(x), REF::geluTanhBackward, x, dy);
        check("geluErf", REF.geluErf(x), REF::geluErfBackward, x, dy);
        check("relu", REF.relu(x), REF::reluBackward, x, dy);
        check("softplus", REF.softplus(x), REF::softplusBackward, x, dy);
    }

    private static void check(String name, Tensor forward, BiFunction<Tensor, Tensor, Tensor> backward, Tensor x, Tensor dy) {
        String p = "activation." + name + ".";
        assertClose(p + "forward", FX.get(p + "y"), forward, ATOL, RTOL);
        assertClose(p + "dx", FX.get(p + "dx"), backward.apply(x, dy), ATOL, RTOL);
    }

    @Test
    void embedding() {
        Tensor table = FX.get("embedding.table"), ids = FX.get("embedding.ids");
        assertClose("embedding forward", FX.get("embedding.y"), REF.embedding(table, ids), 0, 0);
        assertClose("embedding dtable", FX.get("embedding.dtable"), REF.embeddingBackward(ids, FX.get("embedding.dy"), table.dim(0)),
                ATOL, RTOL);
    }
}
