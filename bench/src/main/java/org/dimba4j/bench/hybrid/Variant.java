package org.dimba4j.bench.hybrid;

/** The two networks compared at equal width and depth. */
enum Variant {
    /** Dimba: a bidirectional Mamba layer after every DimbaBlock (attention:Mamba 1:1, mamba_ratio 1). */
    HYBRID("hybrid", true),
    /** The DimbaBlocks alone (Mamba layers removed): a PixArt-alpha style pure-attention stack. */
    ATTENTION("attention", false);

    final String label;
    final boolean mambaLayers;

    Variant(String label, boolean mambaLayers) {
        this.label = label;
        this.mambaLayers = mambaLayers;
    }

    static Variant of(String label) {
        for (Variant v : values()) if (v.label.equals(label)) return v;
        throw new IllegalArgumentException("unknown variant '" + label + "' (hybrid or attention)");
    }
}
