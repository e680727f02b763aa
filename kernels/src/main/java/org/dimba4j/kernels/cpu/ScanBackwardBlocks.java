package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector path of {@link SelectiveScanBackward}: one task's channels in blocks of one vector's lanes (channels
 * are contiguous in the channel-last inputs), one batch entry at a time, in four passes per block:
 * <ol>
 * <li>dt = delta + bias (softplus'd) and the softplus slope sigmoid(delta + bias) (1 above 20);</li>
 * <li>the forward recurrence again, keeping every state h_t and decay e^(dt a) ([L][N][lanes] each);</li>
 * <li>the z gate: y = C.h + D u, dZ = dOut y silu'(z), and the gated dy = dOut silu(z);</li>
 * <li>time walked backwards carrying dL/dh: du, dDelta, and the sums dA, dD, dDeltaBias (per block, over every
 * batch entry) and dB, dC (per task, over its blocks: lanes kept apart here, added in lane order afterwards).</li>
 * </ol>
 * The passes are separate methods so that C2 inlines each one's VMath calls (see SelectiveScan).
 */
final class ScanBackwardBlocks {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();

    private final int c0, blocks, l, e, n, lanes;
    private final float[] dt, slope, dyg, h, decay, carry;
    /** dB, dC of the current batch entry as [L][N][lanes], summed over the blocks. */
    private final float[] lanesB, lanesC;
    /** Per block: dA as [N][lanes], then dD and dDeltaBias [lanes]. */
    private final float[][] accA, accD, accBias;

    /** Channels [c0, c0 + blocks * lanes). */
    ScanBackwardBlocks(int c0, int blocks, int l, int e, int n) {
        this.c0 = c0;
        this.blocks = blocks;
        this.l = l;
        this.e = e;
        this.n = n;
        this.lanes = S.length();
        dt = new float[l * lanes];
        slope = new float[l * lanes];
        dyg = new float[l * lanes];
        h = new float[l * n * lanes];
        decay = new float[l * n * lanes];
        carry = new float[n * lanes];
        lanesB = new float[l * n * lanes];
        lanesC = new float[l * n * lanes];
        accA = new float[blocks][n * lanes];
        accD = new float[blocks][lanes];
        accBias = new float[blocks][lanes];
    }

    /** Every block for batch entry b; dB, dC of these channels are added to the task partials pb, pc ([B, L, N]). */
    void batch(float[] u, float[] delta, float[] at, float[] bm, float[] cm, float[] d, float[] z, float[] db,
               boolean softplus, float[] dOut, int b, float[] du, float[] dDelta, float[] dz, float[] pb, float[] pc) {
        java.util.Arrays.fill(lanesB, 0f);
        java.util.Arrays.fill(lanesC, 0f);
        for (int blk = 0; blk < blocks; blk++) {
            int e0 = c0 + blk * lanes;
            timeStep(delta, db, softplus, b, e0);
            recompute(u, at, bm, b, e0);
            gate(u, cm, d, z, dOut, dz, b, e0);
            walkBack(u, at, bm, cm, d, softplus, du, dDelta, b, e0, blk);
        }
        // the lanes of each (t, s) added in lane order: fixed, whatever the JIT does with reduceLanes
        for (int i = 0, base = b * l * n; i < l * n; i++) {
            float sb = 0f, sc = 0f;
            for (int k = 0; k < lanes; k++) {
                sb += lanesB[i * lanes + k];
                sc += lanesC[i * lanes + k];
            }
            pb[base + i] += sb;
            pc[base + i] += sc;
        }
    }

    /** Writes dA [E, N], dD, dDeltaBias of these channels once every batch entry is done. */
    void finish(float[] dA, float[] dD, float[] dBias) {
        for (int blk = 0; blk < blocks; blk++) {
            for (int k = 0; k < lanes; k++) {
                int ch = c0 + blk * lanes + k;
                for (int s = 0; s < n; s++) dA[ch * n + s] = accA[blk][s * lanes + k];
                if (dD != null) dD[ch] = accD[blk][k];
                if (dBias != null) dBias[ch] = accBias[blk][k];
            }
        }
    }

    private void timeStep(float[] delta, float[] db, boolean softplus, int b, int e0) {
        FloatVector bias = db == null ? FloatVector.zero(S) : FloatVector.fromArray(S, db, e0);
        for (int t = 0; t < l; t++) {
            FloatVector raw = FloatVector.fromArray(S, delta, (b * l + t) * e + e0).add(bias);
            if (softplus) {
                VMath.softplus(raw).intoArray(dt, t * lanes);
                VMath.sigmoid(raw).blend(1f, raw.compare(VectorOperators.GT, 20f)).intoArray(slope, t * lanes);
            } else {
                raw.intoArray(dt, t * lanes);
            }
        }
    }

    private void recompute(float[] u, float[] at, float[] bm, int b, int e0) {
        for (int t = 0; t < l; t++) {
            int row = (b * l + t) * n, hc = t * n * lanes, hp = hc - n * lanes;
            FloatVector dtv = FloatVector.fromArray(S, dt, t * lanes);
            FloatVector dtu = dtv.mul(FloatVector.fromArray(S, u, (b * l + t) * e + e0));
            for (int s = 0; s < n; s++) {
                FloatVector dec = VMath.exp(dtv.mul(FloatVector.fromArray(S, at, s * e + e0)));
                dec.intoArray(decay, hc + s * lanes);
                FloatVector drive = dtu.mul(bm[row + s]);
                (t == 0 ? drive : dec.fma(FloatVector.fromArray(S, h, hp + s * lanes), drive)).intoArray(h, hc + s * lanes);
            }
        }
    }

    private void gate(float[] u, float[] cm, float[] d, float[] z, float[] dOut, float[] dz, int b, int e0) {
        if (z == null) {
            for (int t = 0; t < l; t++) FloatVector.fromArray(S, dOut, (b * l + t) * e + e0).intoArray(dyg, t * lanes);
            return;
        }
        FloatVector dv = d == null ? FloatVector.zero(S) : FloatVector.fromArray(S, d, e0);
        for (int t = 0; t < l; t++) {
            int idx = (b * l + t) * e + e0, row = (b * l + t) * n, hc = t * n * lanes;
            FloatVector y = dv.mul(FloatVector.fromArray(S, u, idx));
            for (int s = 0; s < n; s++) y = FloatVector.fromArray(S, h, hc + s * lanes).fma(FloatVector.broadcast(S, cm[row + s]), y);
            FloatVector zv = FloatVector.fromArray(S, z, idx), sig = VMath.sigmoid(zv), g = FloatVector.fromArray(S, dOut, idx);
            // silu'(z) = sig (1 + z (1 - sig))
            FloatVector dsilu = sig.mul(zv.mul(sig.neg().add(1f)).add(1f));
            g.mul(y).mul(dsilu).intoArray(dz, idx);
            g.mul(zv.mul(sig)).intoArray(dyg, t * lanes);
        }
    }

    private void walkBack(float[] u, float[] at, float[] bm, float[] cm, float[] d, boolean softplus, float[] du,
                          float[] dDelta, int b, int e0, int blk) {
        java.util.Arrays.fill(carry, 0f);
        float[] dA = accA[blk];
        FloatVector dv = d == null ? null : FloatVector.fromArray(S, d, e0);
        FloatVector dDacc = FloatVector.fromArray(S, accD[blk], 0), biasAcc = FloatVector.fromArray(S, accBias[blk], 0);
        for (int t = l - 1; t >= 0; t--) {
            int idx = (b * l + t) * e + e0, row = (b * l + t) * n, hc = t * n * lanes, hp = hc - n * lanes;
            FloatVector dy = FloatVector.fromArray(S, dyg, t * lanes), uv = FloatVector.fromArray(S, u, idx);
            FloatVector dtv = FloatVector.fromArray(S, dt, t * lanes), dtu = dtv.mul(uv);
            FloatVector ddt = FloatVector.zero(S), sumB = FloatVector.zero(S);
            for (int s = 0, o = 0; s < n; s++, o += lanes) {
                FloatVector hs = FloatVector.fromArray(S, h, hc + o), dec = FloatVector.fromArray(S, decay, hc + o);
                FloatVector dh = dy.fma(FloatVector.broadcast(S, cm[row + s]), FloatVector.fromArray(S, carry, o));
                FloatVector.fromArray(S, lanesC, hc + o).add(dy.mul(hs)).intoArray(lanesC, hc + o);
                FloatVector.fromArray(S, lanesB, hc + o).add(dh.mul(dtu)).intoArray(lanesB, hc + o);
                FloatVector dhB = dh.mul(bm[row + s]);
                sumB = sumB.add(dhB);
                ddt = dhB.fma(uv, ddt);
                if (t > 0) {
                    FloatVector dhDecayPrev = dh.mul(dec).mul(FloatVector.fromArray(S, h, hp + o));
                    ddt = dhDecayPrev.fma(FloatVector.fromArray(S, at, s * e + e0), ddt);
                    dhDecayPrev.fma(dtv, FloatVector.fromArray(S, dA, o)).intoArray(dA, o);
                }
                dh.mul(dec).intoArray(carry, o);
            }
            FloatVector duv = dtv.mul(sumB);
            if (dv != null) {
                duv = dy.fma(dv, duv);
                dDacc = dy.fma(uv, dDacc);
            }
            duv.intoArray(du, idx);
            if (softplus) ddt = ddt.mul(FloatVector.fromArray(S, slope, t * lanes));
            ddt.intoArray(dDelta, idx);
            biasAcc = biasAcc.add(ddt);
        }
        dDacc.intoArray(accD[blk], 0);
        biasAcc.intoArray(accBias[blk], 0);
    }
}
