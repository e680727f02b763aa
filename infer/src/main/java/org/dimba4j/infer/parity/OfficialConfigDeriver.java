package org.dimba4j.infer.parity;

import org.dimba4j.io.TensorSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes {@code transformer/config.json} for an official Dimba checkpoint. Almost everything follows from the
 * tensor shapes (hidden size, depth, Mamba layers, caption length and width, d_state, d_conv, expand, the
 * training resolution from {@code pos_embed}); what does not (heads, and {@code pe_interpolation}, which the
 * official script ties to the image size) comes from the released variant or from explicit overrides.
 */
public final class OfficialConfigDeriver {
    private static final Pattern BLOCK = Pattern.compile("^blocks\\.(\\d+)\\.");
    private static final Pattern MAMBA = Pattern.compile("^mamba_blocks\\.(\\d+)\\.");

    /** What the user may fix by hand: a released variant, heads, image size, pe_interpolation. */
    public record Overrides(OfficialVariant variant, OptionalInt numHeads, OptionalInt imageSize,
                            OptionalDouble peInterpolation) {
        public static Overrides none() {
            return new Overrides(null, OptionalInt.empty(), OptionalInt.empty(), OptionalDouble.empty());
        }
    }

    private OfficialConfigDeriver() {}

    /** The config (official constructor argument names, in DESIGN.md's order) for {@code ckpt}. */
    public static Map<String, Object> derive(TensorSource ckpt, Overrides o) {
        int[] patch = shape(ckpt, "x_embedder.proj.weight");          // [C, in, p, p]
        int hidden = patch[0];
        int depth = count(ckpt, BLOCK);
        int mambaDepth = count(ckpt, MAMBA);
        if (depth == 0) throw new IllegalArgumentException(ckpt.description() + " has no blocks.N.* tensors: "
                + "not a Dimba checkpoint");
        if (mambaDepth == 0) throw new IllegalArgumentException(ckpt.description() + " has no mamba_blocks.N.* "
                + "tensors: a Dimba with mamba_ratio 0 cannot be built by the official code (division by zero)");
        int[] yEmb = shape(ckpt, "y_embedder.y_embedding");          // [model_max_length, caption_channels]
        int[] fc1 = shape(ckpt, "blocks.0.mlp.fc1.weight");          // [hidden * mlp_ratio, hidden]
        int[] aLog = shape(ckpt, "mamba_blocks.0.mixer.A_log");       // [d_inner, d_state]
        int[] conv = shape(ckpt, "mamba_blocks.0.mixer.conv1d.weight"); // [d_inner, 1, d_conv]
        int[] fin = shape(ckpt, "final_layer.linear.weight");         // [p*p*out_channels, hidden]
        int inChannels = patch[1];
        int p = patch[2];
        int outChannels = fin[0] / (p * p);

        OfficialVariant v = o.variant();
        int imageSize;
        if (o.imageSize().isPresent()) {
            imageSize = o.imageSize().getAsInt();
        } else if (ckpt.contains("pos_embed")) {
            int tokens = shape(ckpt, "pos_embed")[1];
            int side = (int) Math.round(Math.sqrt(tokens));
            if (side * side != tokens) throw new IllegalArgumentException("pos_embed of " + ckpt.description()
                    + " has " + tokens + " tokens, not a square grid");
            imageSize = side * p * 8;
        } else if (v != null) {
            imageSize = v.imageSize();
        } else {
            throw new IllegalArgumentException(ckpt.description() + " has no pos_embed to tell its resolution: "
                    + "give --variant or --image-size");
        }
        if (v == null) v = OfficialVariant.find(depth, hidden, imageSize);
        if (v != null) {
            check(v.hiddenSize() == hidden && v.depth() == depth && v.imageSize() == imageSize, ckpt,
                    v.officialName() + " has hidden " + v.hiddenSize() + ", depth " + v.depth() + ", "
                            + v.imageSize() + " px; the checkpoint has hidden " + hidden + ", depth " + depth
                            + ", " + imageSize + " px");
        }
        int heads;
        if (o.numHeads().isPresent()) heads = o.numHeads().getAsInt();
        else if (v != null) heads = v.numHeads();
        else throw new IllegalArgumentException(ckpt.description() + " (hidden " + hidden + ", depth " + depth
                + ") is not a released Dimba size: give --num-heads");
        check(hidden % heads == 0, ckpt, "hidden size " + hidden + " is not divisible by " + heads + " heads");
        double pe = o.peInterpolation().orElse(OfficialVariant.peInterpolationFor(imageSize));

        Map<String, Object> c = new LinkedHashMap<>();
        c.put("_class_name", "Dimba");
        c.put("input_size", imageSize / 8);
        c.put("patch_size", p);
        c.put("in_channels", inChannels);
        c.put("hidden_size", hidden);
        c.put("depth", depth);
        c.put("num_heads", heads);
        c.put("mlp_ratio", fc1[0] / (double) hidden);
        c.put("mamba_ratio", mambaDepth / (double) depth);
        c.put("learn_sigma", outChannels == 2 * inChannels);
        c.put("pred_sigma", outChannels == 2 * inChannels);
        c.put("caption_channels", yEmb[1]);
        c.put("pe_interpolation", pe);
        c.put("model_max_length", yEmb[0]);
        c.put("d_state", aLog[1]);
        c.put("d_conv", conv[2]);
        c.put("expand", aLog[0] / hidden);
        if (v != null) c.put("_official_variant", v.officialName());
        return c;
    }

    private static int count(TensorSource src, Pattern p) {
        TreeSet<Integer> idx = new TreeSet<>();
        for (String n : src.names()) {
            Matcher m = p.matcher(n);
            if (m.find()) idx.add(Integer.parseInt(m.group(1)));
        }
        if (!idx.isEmpty() && idx.last() != idx.size() - 1) {
            throw new IllegalArgumentException(src.description() + ": " + p.pattern() + " indices are not 0.."
                    + (idx.size() - 1) + " (found " + idx + ")");
        }
        return idx.size();
    }

    private static int[] shape(TensorSource src, String name) {
        if (!src.contains(name)) {
            throw new IllegalArgumentException(src.description() + " has no tensor '" + name
                    + "': not an official Dimba checkpoint");
        }
        return src.get(name).shape();
    }

    private static void check(boolean ok, TensorSource src, String msg) {
        if (!ok) throw new IllegalArgumentException(src.description() + ": " + msg);
    }
}
