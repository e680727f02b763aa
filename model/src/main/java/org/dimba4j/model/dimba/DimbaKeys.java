package org.dimba4j.model.dimba;

import org.dimba4j.io.TensorSource;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.model.nn.Linear;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every tensor name of the official Dimba state dict, with the shape the config implies, in one place; and the
 * builders that turn a {@link TensorSource} holding those names into modules. The names are the official ones
 * (module attribute paths of {@code Dimba}), so an official checkpoint loads without renaming.
 */
public final class DimbaKeys {
    /** The buffer of the fixed sin-cos table at the training grid; recomputed per forward, so optional and unread. */
    public static final String POS_EMBED = "pos_embed";
    private static final String MAMBA_PREFIX = "mamba_blocks.";

    private final DimbaConfig cfg;
    private final TensorSource source;
    private final Map<String, int[]> expected;

    private DimbaKeys(DimbaConfig cfg, TensorSource source, Map<String, int[]> expected) {
        this.cfg = cfg;
        this.source = source;
        this.expected = expected;
    }

    /** Name -> shape of every tensor of a model with this config, in the official state-dict order. */
    public static Map<String, int[]> expected(DimbaConfig c) {
        return expected(c, true);
    }

    /**
     * As {@link #expected(DimbaConfig)}; without {@code mambaLayers} the {@code mamba_blocks.*} tensors are left out:
     * the pure-attention (PixArt-style) stack of {@link Dimba#attentionOnly}.
     */
    public static Map<String, int[]> expected(DimbaConfig c, boolean mambaLayers) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int h = c.hiddenSize(), p = c.patchSize();
        m.put(POS_EMBED, new int[] {1, c.baseSize() * c.baseSize(), h});
        m.put("x_embedder.proj.weight", new int[] {h, c.inChannels(), p, p});
        m.put("x_embedder.proj.bias", new int[] {h});
        linear(m, "t_embedder.mlp.0", h, TimestepEmbedder.FREQUENCY_EMBEDDING_SIZE, true);
        linear(m, "t_embedder.mlp.2", h, h, true);
        linear(m, "t_block.1", 6 * h, h, true);
        m.put("y_embedder.y_embedding", new int[] {c.modelMaxLength(), c.captionChannels()});
        linear(m, "y_embedder.y_proj.fc1", h, c.captionChannels(), true);
        linear(m, "y_embedder.y_proj.fc2", h, h, true);
        for (int i = 0; i < c.depth(); i++) block(m, "blocks." + i + ".", c);
        m.put("final_layer.scale_shift_table", new int[] {2, h});
        linear(m, "final_layer.linear", p * p * c.outChannels(), h, true);
        for (int i = 0; mambaLayers && i < c.mambaDepth(); i++) {
            mixer(m, MAMBA_PREFIX + i + ".mixer.", c, true);
            m.put(MAMBA_PREFIX + i + ".norm.weight", new int[] {h});
        }
        return m;
    }

    /** Whether {@code weights} hold any Mamba-layer tensor: none at all marks the attention-only stack. */
    public static boolean holdsMambaLayers(TensorSource weights) {
        return weights.names().stream().anyMatch(n -> n.startsWith(MAMBA_PREFIX));
    }

    private static void block(Map<String, int[]> m, String pre, DimbaConfig c) {
        int h = c.hiddenSize();
        m.put(pre + "scale_shift_table", new int[] {6, h});
        linear(m, pre + "attn.qkv", 3 * h, h, true);
        linear(m, pre + "attn.proj", h, h, true);
        linear(m, pre + "cross_attn.q_linear", h, h, true);
        linear(m, pre + "cross_attn.kv_linear", 2 * h, h, true);
        linear(m, pre + "cross_attn.proj", h, h, true);
        linear(m, pre + "mlp.fc1", c.mlpHidden(), h, true);
        linear(m, pre + "mlp.fc2", h, c.mlpHidden(), true);
    }

    /** The mixer's tensors in mamba_simple's order (parameters first, then the sub-modules). */
    private static void mixer(Map<String, int[]> m, String pre, DimbaConfig c, boolean bidirectional) {
        int e = c.dInner(), n = c.dState(), r = c.dtRank();
        m.put(pre + "A_log", new int[] {e, n});
        m.put(pre + "D", new int[] {e});
        if (bidirectional) {
            m.put(pre + "A_b_log", new int[] {e, n});
            m.put(pre + "D_b", new int[] {e});
        }
        linear(m, pre + "in_proj", 2 * e, c.hiddenSize(), false);
        for (String s : bidirectional ? new String[] {"", "_b"} : new String[] {""}) {
            m.put(pre + "conv1d" + s + ".weight", new int[] {e, 1, c.dConv()});
            m.put(pre + "conv1d" + s + ".bias", new int[] {e});
            linear(m, pre + "x_proj" + s, r + 2 * n, e, false);
            linear(m, pre + "dt_proj" + s, e, r, true);
        }
        linear(m, pre + "out_proj", c.hiddenSize(), e, false);
    }

    private static void linear(Map<String, int[]> m, String name, int out, int in, boolean bias) {
        m.put(name + ".weight", new int[] {out, in});
        if (bias) m.put(name + ".bias", new int[] {out});
    }

    /**
     * Checks that {@code source} holds exactly the tensors of this config (pos_embed may be absent: the official
     * inference script deletes it) with their shapes; throws listing every missing, unexpected and mis-shaped one.
     */
    public static DimbaKeys checked(DimbaConfig c, TensorSource source) {
        return checked(c, source, true);
    }

    /** As {@link #checked(DimbaConfig, TensorSource)}, for the tensors of {@link #expected(DimbaConfig, boolean)}. */
    public static DimbaKeys checked(DimbaConfig c, TensorSource source, boolean mambaLayers) {
        Map<String, int[]> exp = expected(c, mambaLayers);
        List<String> problems = new ArrayList<>();
        for (var e : exp.entrySet()) {
            if (!source.contains(e.getKey())) {
                if (!e.getKey().equals(POS_EMBED)) problems.add("missing tensor " + e.getKey() + " " + Shape.str(e.getValue()));
            } else {
                int[] got = source.info(e.getKey()).shape();
                if (e.getKey().equals(POS_EMBED) ? !posEmbedShapeOk(got, c) : !Arrays.equals(got, e.getValue())) {
                    problems.add("tensor " + e.getKey() + " has shape " + Shape.str(got) + ", expected " + Shape.str(e.getValue()));
                }
            }
        }
        for (String name : source.names()) {
            if (!exp.containsKey(name)) problems.add("unexpected tensor " + name + " " + Shape.str(source.info(name).shape()));
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 20);
            throw new IllegalArgumentException(source.description() + " does not match the Dimba config (hidden_size "
                    + c.hiddenSize() + ", depth " + c.depth() + ", mamba layers " + (mambaLayers ? c.mambaDepth() : 0) + "): "
                    + problems.size() + " problem(s):\n  " + String.join("\n  ", problems.subList(0, shown))
                    + (shown < problems.size() ? "\n  ..." : ""));
        }
        return new DimbaKeys(c, source, exp);
    }

    /**
     * The forward recomputes pos_embed for its grid, so a buffer saved at another training resolution (a 512 px
     * checkpoint loaded as a 1024 px model, as the official inference script allows by deleting it) is fine.
     */
    private static boolean posEmbedShapeOk(int[] got, DimbaConfig c) {
        return got.length == 3 && got[0] == 1 && got[2] == c.hiddenSize();
    }

    /** Reads tensors lazily, each checked against its expected shape; extra tensors in the source are ignored. */
    static DimbaKeys lenient(DimbaConfig c, TensorSource source) {
        return new DimbaKeys(c, source, expected(c));
    }

    /** A one-direction (Mamba-1) mixer under {@code prefix}, shapes from the config: for plain Mamba checkpoints. */
    static Mamba mamba1(DimbaConfig c, TensorSource source, String prefix) {
        Map<String, int[]> m = new LinkedHashMap<>();
        mixer(m, prefix, c, false);
        DimbaKeys k = new DimbaKeys(c, source, m);
        return new Mamba(k.linear(prefix + "in_proj", false), k.direction(prefix, ""), null,
                k.linear(prefix + "out_proj", false));
    }

    Tensor get(String name) {
        int[] shape = expected.get(name);
        if (shape == null) throw new IllegalStateException("no Dimba tensor is named " + name);
        if (!source.contains(name)) throw new IllegalArgumentException(source.description() + ": missing tensor " + name + " " + Shape.str(shape));
        Tensor t = source.get(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(source.description() + ": tensor " + name + " has shape "
                    + Shape.str(t.shape()) + ", expected " + Shape.str(shape));
        }
        return t;
    }

    private Linear linear(String name, boolean bias) {
        return new Linear(get(name + ".weight"), bias ? get(name + ".bias") : null);
    }

    PatchEmbed xEmbedder() {
        return new PatchEmbed(get("x_embedder.proj.weight"), get("x_embedder.proj.bias"), cfg.patchSize());
    }

    TimestepEmbedder tEmbedder() {
        return new TimestepEmbedder(linear("t_embedder.mlp.0", true), linear("t_embedder.mlp.2", true));
    }

    Linear tBlock() {
        return linear("t_block.1", true);
    }

    CaptionEmbedder yEmbedder() {
        return new CaptionEmbedder(new Mlp(linear("y_embedder.y_proj.fc1", true), linear("y_embedder.y_proj.fc2", true)),
                get("y_embedder.y_embedding"));
    }

    DimbaBlock block(int i) {
        String p = "blocks." + i + ".";
        return new DimbaBlock(get(p + "scale_shift_table"),
                new Attention(linear(p + "attn.qkv", true), linear(p + "attn.proj", true), cfg.numHeads()),
                new MultiHeadCrossAttention(linear(p + "cross_attn.q_linear", true), linear(p + "cross_attn.kv_linear", true),
                        linear(p + "cross_attn.proj", true), cfg.numHeads()),
                new Mlp(linear(p + "mlp.fc1", true), linear(p + "mlp.fc2", true)));
    }

    MambaBlock mambaBlock(int i) {
        String p = MAMBA_PREFIX + i + ".mixer.";
        Mamba mixer = new Mamba(linear(p + "in_proj", false), direction(p, ""), direction(p, "_b"),
                linear(p + "out_proj", false));
        return new MambaBlock(mixer, get(MAMBA_PREFIX + i + ".norm.weight"));
    }

    /** The scan direction with suffix "" (forward) or "_b" (backward); A_log becomes A_b_log, D becomes D_b. */
    private SsmDirection direction(String p, String s) {
        return new SsmDirection(get(p + "conv1d" + s + ".weight"), get(p + "conv1d" + s + ".bias"),
                linear(p + "x_proj" + s, false), linear(p + "dt_proj" + s, true),
                get(p + (s.isEmpty() ? "A_log" : "A_b_log")), get(p + "D" + s));
    }

    T2IFinalLayer finalLayer() {
        return new T2IFinalLayer(get("final_layer.scale_shift_table"), linear("final_layer.linear", true));
    }
}
