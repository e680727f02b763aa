package org.dimba4j.kernels.cpu;

/**
 * The selective scan's operands as heap arrays (names as in mamba's selective_scan_fn): u, delta [B, L, E],
 * A [E, N], B, C [B, L, N], and the optional D [E], z [B, L, E] and delta_bias [E] (null when absent). One record
 * for {@link SelectiveScan} and {@link SelectiveScanBackward} instead of nine positional arguments; the kernels
 * copy the fields to locals once.
 */
record ScanOperands(float[] u, float[] delta, float[] a, float[] b, float[] c, float[] d, float[] z, float[] deltaBias,
                    boolean deltaSoftplus) {}
