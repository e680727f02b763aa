package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Mamba-1 selective scan with channels across vector lanes: inputs are channel-last [B, L, E], so at each
 * step one vector load gives a block of channels. A task owns (batch, channel block); its state h is an
 * N x lanes array that stays in L1, A is transposed to [N][E] so each state's decay rates load as one vector,
 * and e^(dt A) uses the inlined polynomial exp. Channels past the last full block run the same recurrence in
 * scalar code.
 */
final class SelectiveScan {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private SelectiveScan() {}

    static float[] run(float[] u, float[] delta, float[] a, float[] bm, float[] cm, float[] d, float[] z, float[] db,
                       boolean softplus, int bsz, int l, int e, int n) {
        final int lanes = S.length();
        float[] at = new float[n * e];
        for (int ch = 0; ch < e; ch++) for (int s = 0; s < n; s++) at[s * e + ch] = a[ch * n + s];
        float[] o = new float[bsz * l * e];
        int full = e / lanes, blocks = full + (e % lanes == 0 ? 0 : 1);
        long work = (long) bsz * l * e * n * 8;
        Parallel.forEach(bsz * blocks, work > 200_000, t -> {
            int b = t / blocks, blk = t % blocks;
            if (blk < full) vectorBlock(u, delta, at, bm, cm, d, z, db, softplus, o, b, blk * lanes, l, e, n);
            else scalarChannels(u, delta, at, bm, cm, d, z, db, softplus, o, b, full * lanes, e, l, e, n);
        });
        return o;
    }

    private static void vectorBlock(float[] u, float[] delta, float[] at, float[] bm, float[] cm, float[] d, float[] z,
                                    float[] db, boolean softplus, float[] o, int b, int e0, int l, int e, int n) {
        final int lanes = S.length();
        float[] h = new float[n * lanes];
        FloatVector dbv = db == null ? FloatVector.zero(S) : FloatVector.fromArray(S, db, e0);
        FloatVector dv = d == null ? FloatVector.zero(S) : FloatVector.fromArray(S, d, e0);
        for (int t = 0; t < l; t++) {
            int idx = (b * l + t) * e + e0, bo = (b * l + t) * n;
            FloatVector dt = FloatVector.fromArray(S, delta, idx).add(dbv);
            if (softplus) dt = VMath.softplus(dt);
            FloatVector uv = FloatVector.fromArray(S, u, idx), dtu = dt.mul(uv);
            FloatVector y = FloatVector.zero(S);
            for (int s = 0, ho = 0; s < n; s++, ho += lanes) {
                FloatVector decay = VMath.exp(dt.mul(FloatVector.fromArray(S, at, s * e + e0)));
                FloatVector hs = dtu.fma(FloatVector.broadcast(S, bm[bo + s]), FloatVector.fromArray(S, h, ho).mul(decay));
                hs.intoArray(h, ho);
                y = hs.fma(FloatVector.broadcast(S, cm[bo + s]), y);
            }
            y = uv.fma(dv, y);
            if (z != null) {
                FloatVector zv = FloatVector.fromArray(S, z, idx);
                y = y.mul(zv).mul(VMath.sigmoid(zv));
            }
            y.intoArray(o, idx);
        }
    }

    private static void scalarChannels(float[] u, float[] delta, float[] at, float[] bm, float[] cm, float[] d, float[] z,
                                       float[] db, boolean softplus, float[] o, int b, int e0, int e1, int l, int e, int n) {
        float[] h = new float[n];
        for (int ch = e0; ch < e1; ch++) {
            java.util.Arrays.fill(h, 0f);
            for (int t = 0; t < l; t++) {
                int idx = (b * l + t) * e + ch, bo = (b * l + t) * n;
                float dt = delta[idx] + (db == null ? 0f : db[ch]);
                if (softplus) dt = VMath.softplus(dt);
                float y = 0f;
                for (int s = 0; s < n; s++) {
                    h[s] = (float) Math.exp(dt * at[s * e + ch]) * h[s] + dt * bm[bo + s] * u[idx];
                    y += h[s] * cm[bo + s];
                }
                if (d != null) y += d[ch] * u[idx];
                if (z != null) y *= (float) (z[idx] / (1 + Math.exp(-z[idx])));
                o[idx] = y;
            }
        }
    }
}
