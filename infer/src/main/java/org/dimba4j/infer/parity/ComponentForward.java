package org.dimba4j.infer.parity;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.dimba.Dimba;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.t5.T5Encoder;
import org.dimba4j.model.vae.AutoencoderKL;
import org.dimba4j.model.vae.DiagonalGaussian;
import org.dimba4j.model.vae.VaeConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one component of a model folder on named tensors: the engine of {@code dimba forward}. The inputs are
 * checked against the contract (with the model's own channel counts) before any weights are loaded.
 */
public final class ComponentForward {
    private ComponentForward() {}

    /**
     * @param modelDir a model folder (holding {@code text_encoder/}, {@code vae/}, {@code transformer/})
     * @param inputs   the named inputs, any floating dtype for data and I64/I32 for ids and masks
     * @param source   where the inputs come from, for messages
     * @return the named outputs, host f32 tensors
     */
    public static Map<String, Tensor> run(ForwardComponent c, Path modelDir, Map<String, Tensor> inputs, String source,
                                          Backend be) {
        Path dir = modelDir.resolve(c.folder());
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model folder " + modelDir + " has no " + c.folder() + "/ (needed by "
                    + c.cliName() + ")");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        switch (c) {
            case TEXT_ENCODER -> {
                check(c, 1, Map.of(), inputs, source);
                try (T5Encoder t5 = T5Encoder.load(dir, be)) {
                    out.put("last_hidden_state", host(be, t5.encode(ids(inputs.get("input_ids")),
                            ids(inputs.get("attention_mask")))));
                }
            }
            case VAE_ENCODE, VAE_DECODE -> {
                VaeConfig cfg = VaeConfig.load(dir.resolve("config.json"));
                check(c, cfg.downsampleFactor(), Map.of("Cin", cfg.inChannels(), "Cl", cfg.latentChannels()),
                        inputs, source);
                try (AutoencoderKL vae = AutoencoderKL.load(dir, be)) {
                    if (c == ForwardComponent.VAE_ENCODE) {
                        DiagonalGaussian p = vae.encode(floats(inputs.get("sample")));
                        out.put("mean", host(be, p.mean()));
                        out.put("logvar", host(be, p.logvar()));
                    } else {
                        out.put("sample", host(be, vae.decode(floats(inputs.get("latents")))));
                    }
                }
            }
            case TRANSFORMER -> {
                DimbaConfig cfg = DimbaConfig.load(dir.resolve("config.json"));
                check(c, cfg.patchSize(), Map.of("Cin", cfg.inChannels(), "C", cfg.captionChannels()), inputs, source);
                Tensor mask = inputs.containsKey("mask") ? ids(inputs.get("mask")) : null;
                try (Dimba dimba = Dimba.load(dir, be)) {
                    out.put("out", host(be, dimba.forward(floats(inputs.get("x")), floats(inputs.get("timestep")),
                            floats(inputs.get("y")), mask)));
                }
            }
        }
        return out;
    }

    private static void check(ForwardComponent c, int spatialMultiple, Map<String, Integer> fixed,
                              Map<String, Tensor> inputs, String source) {
        new InputContract(c.cliName(), c.inputs(spatialMultiple), fixed).check(inputs, source);
    }

    /** A host f32 copy with its own array (the inputs file is closed after the run). */
    private static Tensor floats(Tensor t) {
        return Tensor.of(t.toFloatArray(), t.shape());
    }

    /** An I64 heap copy (the contract's dtype; I32 inputs are widened). */
    private static Tensor ids(Tensor t) {
        return Tensor.ofLongs(t.toLongArray(), t.shape());
    }

    private static Tensor host(Backend be, Tensor t) {
        return t.isHostF32Array() ? t : be.download(t);
    }
}
