package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dimba4j.kernels.OpShapes;

/**
 * The Mamba-1 selective scan with channels across vector lanes: inputs are channel-last [B, L, E], so at each
 * step one vector load gives a block of channels. A task owns (batch, a run of channel blocks); it walks time in
 * tiles of {@link #TILE} steps and, within a tile, each block in turn, so the rows it reads stay in cache: one
 * block's column alone strides a whole row (9 KB at E = 2304) per step, a page per load, and that cost more
 * than the arithmetic. Each block's state h is an N x lanes slice of the task's array, A is transposed to
 * [N][E] so each state's decay rates load as one vector, and e^(dt A) is the inlined polynomial exp. Channels
 * past the last full block run the same recurrence in scalar code.
 */
final class SelectiveScan {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Time steps per tile: a tile's rows of u, delta, z and out (4 x 64 x E floats) stay in L2. */
    private static final int TILE = 64;

    private SelectiveScan() {}

    static float[] run(ScanOperands in, OpShapes.ScanDims sd) {
        float[] u = in.u(), delta = in.delta(), a = in.a(), bm = in.b(), cm = in.c(), d = in.d(), z = in.z(), db = in.deltaBias();
        boolean softplus = in.deltaSoftplus();
        int bsz = sd.batch(), l = sd.l(), e = sd.e(), n = sd.n();
        final int lanes = S.length();
        float[] at = new float[n * e];
        for (int ch = 0; ch < e; ch++) for (int s = 0; s < n; s++) at[s * e + ch] = a[ch * n + s];
        float[] o = new float[bsz * l * e];
        int full = e / lanes, tail = e % lanes == 0 ? 0 : 1;
        // a few runs of blocks per batch so every thread has work even at batch 1; results do not depend on it
        int groups = Math.max(1, Math.min(full, 2 * Parallel.threads()));
        long work = (long) bsz * l * e * n * 8;
        Parallel.forEach(bsz * (groups + tail), work > 200_000, t -> {
            int b = t / (groups + tail), g = t % (groups + tail);
            if (g < groups) {
                int blk0 = (int) ((long) full * g / groups), blk1 = (int) ((long) full * (g + 1) / groups);
                vectorBlocks(u, delta, at, bm, cm, d, z, db, softplus, o, b, blk0, blk1, l, e, n);
            } else {
                scalarChannels(u, delta, at, bm, cm, d, z, db, softplus, o, b, full * lanes, e, l, e, n);
            }
        });
        return o;
    }

    /**
     * Channel blocks [blk0, blk1) of one batch, a time tile at a time, each (tile, block) in three passes over a
     * [TILE][lanes] buffer: dt (bias, softplus), the recurrence, then D and the z gate. The middle pass is the
     * hot one (N exps per step): a flat method with the exp written out in place, because with VMath.exp called
     * there C2 stopped inlining it and boxed every vector (~1 GB/op of garbage).
     */
    private static void vectorBlocks(float[] u, float[] delta, float[] at, float[] bm, float[] cm, float[] d,
                                     float[] z, float[] db, boolean softplus, float[] o, int b, int blk0, int blk1,
                                     int l, int e, int n) {
        final int lanes = S.length();
        float[] h = new float[(blk1 - blk0) * n * lanes];
        float[] buf = new float[TILE * lanes];
        for (int t0 = 0; t0 < l; t0 += TILE) {
            int t1 = Math.min(l, t0 + TILE);
            for (int blk = blk0; blk < blk1; blk++) {
                int e0 = blk * lanes;
                timeStep(delta, db, softplus, buf, b, e0, t0, t1, l, e);
                recurrence(u, at, bm, cm, buf, h, (blk - blk0) * n * lanes, b, e0, t0, t1, l, e, n);
                skipAndGate(u, d, z, buf, o, b, e0, t0, t1, l, e);
            }
        }
    }

    // The three passes are separate methods because each needs C2's whole node budget for its inlined VMath
    // calls: in one method, softplus and sigmoid hit NodeCountInliningCutoff and every vector was boxed.

    /** buf[t - t0] = dt_t = delta (+ bias), softplus'd, for one channel block. */
    private static void timeStep(float[] delta, float[] db, boolean softplus, float[] buf, int b, int e0, int t0,
                                 int t1, int l, int e) {
        final int lanes = S.length();
        FloatVector dbv = db == null ? FloatVector.zero(S) : FloatVector.fromArray(S, db, e0);
        for (int t = t0; t < t1; t++) {
            FloatVector dt = FloatVector.fromArray(S, delta, (b * l + t) * e + e0).add(dbv);
            if (softplus) dt = VMath.softplus(dt);
            dt.intoArray(buf, (t - t0) * lanes);
        }
    }

    /** out = (y + D u) silu(z), y read from buf, for one channel block. */
    private static void skipAndGate(float[] u, float[] d, float[] z, float[] buf, float[] o, int b, int e0, int t0,
                                    int t1, int l, int e) {
        final int lanes = S.length();
        FloatVector dv = d == null ? FloatVector.zero(S) : FloatVector.fromArray(S, d, e0);
        for (int t = t0; t < t1; t++) {
            int idx = (b * l + t) * e + e0;
            FloatVector y = FloatVector.fromArray(S, u, idx).fma(dv, FloatVector.fromArray(S, buf, (t - t0) * lanes));
            if (z != null) {
                FloatVector zv = FloatVector.fromArray(S, z, idx);
                y = y.mul(zv).mul(VMath.sigmoid(zv));
            }
            y.intoArray(o, idx);
        }
    }

    /**
     * h_t = e^(dt a) h_{t-1} + dt b_t u_t and y_t = c_t . h_t for one channel block over steps [t0, t1); buf holds
     * dt on entry and y on return, h (from h0) carries the state between tiles. The exp is VMath.exp's polynomial, same constants and operation order (so the same bits), inlined
     * by hand; constants are broadcast here at the use site.
     */
    private static void recurrence(float[] u, float[] at, float[] bm, float[] cm, float[] buf, float[] h, int h0,
                                   int b, int e0, int t0, int t1, int l, int e, int n) {
        final int lanes = S.length();
        for (int t = t0; t < t1; t++) {
            int bo = (b * l + t) * n;
            FloatVector dt = FloatVector.fromArray(S, buf, (t - t0) * lanes);
            FloatVector dtu = dt.mul(FloatVector.fromArray(S, u, (b * l + t) * e + e0));
            FloatVector y = FloatVector.zero(S);
            for (int s = 0, ho = h0; s < n; s++, ho += lanes) {
                FloatVector x = dt.mul(FloatVector.fromArray(S, at, s * e + e0));
                VectorMask<Float> under = x.compare(VectorOperators.LT, -87.33f);
                VectorMask<Float> over = x.compare(VectorOperators.GT, 88.72f);
                FloatVector xc = x.blend(-87.33f, under).blend(88.0f, x.compare(VectorOperators.GT, 88.0f));
                FloatVector tt = xc.fma(FloatVector.broadcast(S, 1.44269504f), FloatVector.broadcast(S, 12582912f));
                FloatVector fn = tt.sub(12582912f);
                FloatVector r = fn.fma(FloatVector.broadcast(S, -0.693145752f), xc);
                r = fn.fma(FloatVector.broadcast(S, -1.42860677e-6f), r);
                FloatVector p = FloatVector.broadcast(S, 1.3888889e-3f);
                p = p.fma(r, FloatVector.broadcast(S, 8.3333333e-3f));
                p = p.fma(r, FloatVector.broadcast(S, 4.1666667e-2f));
                p = p.fma(r, FloatVector.broadcast(S, 0.16666667f));
                p = p.fma(r, FloatVector.broadcast(S, 0.5f));
                p = p.fma(r, FloatVector.broadcast(S, 1f));
                p = p.fma(r, FloatVector.broadcast(S, 1f));
                IntVector ni = tt.reinterpretAsInts().sub(0x4B400000);
                FloatVector decay = p.reinterpretAsInts().add(ni.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats()
                        .blend(0f, under).blend(Float.POSITIVE_INFINITY, over);
                FloatVector hs = dtu.fma(FloatVector.broadcast(S, bm[bo + s]), FloatVector.fromArray(S, h, ho).mul(decay));
                hs.intoArray(h, ho);
                y = hs.fma(FloatVector.broadcast(S, cm[bo + s]), y);
            }
            y.intoArray(buf, (t - t0) * lanes);
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
