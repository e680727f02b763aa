package org.dimba4j.train.vae;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.reference.ReferenceBackend;
import org.dimba4j.model.random.TorchGenerator;
import org.dimba4j.model.vae.AutoencoderKL;
import org.dimba4j.model.vae.DiagonalGaussian;
import org.dimba4j.model.vae.SyntheticVaeWeights;
import org.dimba4j.model.vae.VaeConfig;
import org.dimba4j.train.Parameters;
import org.dimba4j.train.optim.AdamW;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole VAE objective's gradient against finite differences, and training that actually reconstructs. */
class VaeTrainerTest {
    static final ReferenceBackend REF = new ReferenceBackend();
    static final VaeConfig TINY = VaeConfig.builder().blockOutChannels(4, 8).layersPerBlock(1).normNumGroups(2)
            .latentChannels(2).sampleSize(8).scalingFactor(1f).build();
    final VaeLoss loss = new VaeLoss(0.1f);

    @Test
    void gradientOfTheWholeObjectiveMatchesFiniteDifferences() {
        Parameters p = Parameters.copyOf(new SyntheticVaeWeights(TINY, DType.F32, 3), REF);
        TorchGenerator g = new TorchGenerator(5);
        Tensor images = g.rand(2, 3, 8, 8), noise = g.randn(2, 2, 4, 4);
        images = REF.affine(images, 2f, -1f);
        var grads = new VaeTrainer(TINY, p, REF, loss, AdamW.of(REF, 0)).gradients(images, noise).getValue();
        assertEquals(p.names().size(), grads.size(), "every tensor gets a gradient");
        List<String> checked = p.names().stream().filter(n -> n.endsWith("encoder.conv_in.weight")
                || n.endsWith("mid_block.attentions.0.to_q.weight") || n.endsWith("up_blocks.0.resnets.0.norm1.weight")
                || n.endsWith("encoder.conv_norm_out.bias") || n.equals("quant_conv.weight")).toList();
        assertEquals(6, checked.size(), checked.toString());
        double h = 1e-2;
        for (String name : checked) {
            float[] base = p.get(name).toFloatArray(), grad = grads.get(name).toFloatArray();
            double scale = 0;
            for (float v : grad) scale = Math.max(scale, Math.abs(v));
            for (int k = 0; k < Math.min(4, base.length); k++) {
                int i = (k * 7919) % base.length;
                double plus = lossAt(p, name, base, i, +h, images, noise), minus = lossAt(p, name, base, i, -h, images, noise);
                double fd = (plus - minus) / (2 * h);
                assertEquals(fd, grad[i], 3e-3 * Math.max(1e-3, scale) + 2e-4, name + "[" + i + "]");
            }
        }
    }

    @Test
    void adamWStepsLearnToReconstructFlatColours() {
        Parameters p = Parameters.copyOf(new SyntheticVaeWeights(TINY, DType.F32, 1), REF);
        VaeTrainer trainer = new VaeTrainer(TINY, p, REF, new VaeLoss(1e-3f), AdamW.of(REF, 0));
        float[] img = new float[2 * 3 * 8 * 8];
        for (int n = 0; n < 2; n++) for (int c = 0; c < 3; c++) for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) {
            boolean inside = x >= 2 + n && x < 6 && y >= 2 && y < 6;
            img[((n * 3 + c) * 8 + y) * 8 + x] = inside ? (c == n ? 0.8f : -0.7f) : 0.9f;
        }
        Tensor images = Tensor.of(img, 2, 3, 8, 8);
        TorchGenerator g = new TorchGenerator(9);
        double first = trainer.step(images, g.randn(2, 2, 4, 4), 1e-2).reconstruction(), last = first;
        for (int s = 0; s < 60; s++) last = trainer.step(images, g.randn(2, 2, 4, 4), 1e-2).reconstruction();
        assertTrue(last < 0.2 * first, "reconstruction MSE " + first + " -> " + last);
    }

    private double lossAt(Parameters p, String name, float[] base, int i, double delta, Tensor images, Tensor noise) {
        float[] moved = base.clone();
        moved[i] += (float) delta;
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(name, Tensor.of(moved, p.get(name).shape()));
        AutoencoderKL vae = AutoencoderKL.of(TINY, p.with(m), REF);
        DiagonalGaussian q = vae.posteriorOnBackend(images);
        Tensor z = q.sample(REF, noise);
        return loss.evaluate(REF, vae.decodeOnBackend(z), images, q).loss().getFlat(0);
    }
}
