package org.dimba4j.train.text;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.dimba4j.model.t5.T5Encoder;
import org.dimba4j.train.Parameters;
import org.dimba4j.train.autograd.Gradients;
import org.dimba4j.train.autograd.TapeBackend;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The text encoder trained through the diffusion loss: the same features as the folder's encoder, gradients of every
 * weight (the relative position bias included) against finite differences, and caption dropout on the tape.
 */
class TrainedTextEncoderTest {
    static final Path TEXT = Path.of("../models/tiny-reference/text_encoder").toAbsolutePath().normalize();
    static final int LEN = 6;
    /** Two captions of 6 and 4 tokens (padding 0), ids inside the vocabulary of 130. */
    static final Tensor IDS = Tensor.ofLongs(new long[] {5, 17, 99, 3, 42, 1, 8, 64, 2, 1, 0, 0}, 2, LEN);
    static final Tensor MASK = Tensor.ofLongs(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 2, LEN);

    private static Parameters params(Backend be) {
        return Parameters.of(TrainedTextEncoder.weights(TEXT, be), "tiny text encoder");
    }

    @Test
    void encodesAsTheFolderEncoderBitForBit() {
        CpuBackend be = new CpuBackend();
        TrainedTextEncoder enc = TrainedTextEncoder.of(TEXT);
        float[] mine = enc.encode(be, params(be), IDS, MASK, null, null).toFloatArray();
        try (T5Encoder folder = T5Encoder.load(TEXT, be)) {
            float[] ref = folder.encode(IDS, MASK).toFloatArray();
            assertArrayEquals(ref, mine, "the position bias gathered on the backend is the host table's");
        }
        assertEquals(2 * LEN * 32, mine.length);
    }

    @Test
    void everyWeightGetsTheFiniteDifferenceGradient() {
        ReferenceBackend ref = new ReferenceBackend();
        TrainedTextEncoder enc = TrainedTextEncoder.of(TEXT);
        Map<String, Tensor> host = new LinkedHashMap<>();
        params(ref).asMap().forEach((n, t) -> host.put(n, Tensor.of(t.toFloatArray(), t.shape())));
        Random r = new Random(7);
        float[] w = new float[2 * LEN * 32];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        Tensor weights = Tensor.of(w, 2, 1, LEN, 32);

        TapeBackend tape = new TapeBackend(ref);
        host.values().forEach(tape::watch);
        Parameters p = Parameters.of(host, "host");
        Tensor out = enc.encode(tape, p, IDS, MASK, null, null);
        Gradients g = tape.backward(out, weights);
        String prefix = TrainedTextEncoder.PREFIX;
        List<String> checked = List.of(prefix + "shared.weight",
                prefix + "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                prefix + "encoder.block.0.layer.0.SelfAttention.q.weight", prefix + "encoder.block.1.layer.0.SelfAttention.o.weight",
                prefix + "encoder.block.1.layer.1.DenseReluDense.wi_0.weight", prefix + "encoder.block.0.layer.0.layer_norm.weight",
                prefix + "encoder.final_layer_norm.weight");
        for (String name : checked) {
            Tensor param = host.get(name);
            Tensor grad = g.get(param);
            assertNotNull(grad, name + " got no gradient");
            float[] analytic = grad.toFloatArray(), x = param.floats();
            double scale = 1e-3;
            for (float a : analytic) scale = Math.max(scale, Math.abs(a));
            int tried = 0;
            for (int c = 0; c < 12; c++) {
                int e = r.nextInt(x.length);
                if (name.endsWith("shared.weight")) e = (int) (IDS.toLongArray()[c % 10] * 32 + r.nextInt(32)); // rows in use
                if (name.contains("relative_attention_bias")) e = r.nextInt(2 * 4) + 4 * (c % 6); // near buckets
                float saved = x[e];
                double h = 1e-2;
                x[e] = (float) (saved + h);
                double plus = loss(enc, ref, p, weights);
                x[e] = (float) (saved - h);
                double minus = loss(enc, ref, p, weights);
                x[e] = saved;
                double numeric = (plus - minus) / (2 * h);
                assertEquals(numeric, analytic[e], 5e-3 * scale, name + " element " + e);
                tried++;
            }
            assertEquals(12, tried);
        }
        float biasGrad = 0;
        for (float v : g.get(host.get(checked.get(1))).toFloatArray()) biasGrad += Math.abs(v);
        assertTrue(biasGrad > 0, "the relative position bias is trained");
    }

    private static double loss(TrainedTextEncoder enc, Backend be, Parameters p, Tensor weights) {
        float[] o = enc.encode(be, p, IDS, MASK, null, null).toFloatArray(), w = weights.toFloatArray();
        double s = 0;
        for (int i = 0; i < o.length; i++) s += (double) o[i] * w[i];
        return s;
    }

    @Test
    void captionDropoutPutsTheNullCaptionInAndKeepsTheOthersExact() {
        CpuBackend be = new CpuBackend();
        TrainedTextEncoder enc = TrainedTextEncoder.of(TEXT);
        float[] nul = new float[LEN * 32];
        for (int i = 0; i < nul.length; i++) nul[i] = 0.01f * i - 0.3f;
        Tensor yEmbedding = Tensor.of(nul, LEN, 32);
        float[] plain = enc.encode(be, params(be), IDS, MASK, null, yEmbedding).toFloatArray();
        float[] dropped = enc.encode(be, params(be), IDS, MASK, new boolean[] {false, true}, yEmbedding).toFloatArray();
        int half = LEN * 32;
        assertArrayEquals(java.util.Arrays.copyOf(plain, half), java.util.Arrays.copyOf(dropped, half), "kept sample");
        assertArrayEquals(nul, java.util.Arrays.copyOfRange(dropped, half, 2 * half), "dropped sample");
        assertThrows(IllegalArgumentException.class,
                () -> enc.encode(be, params(be), IDS, MASK, new boolean[] {true}, yEmbedding));
    }
}
