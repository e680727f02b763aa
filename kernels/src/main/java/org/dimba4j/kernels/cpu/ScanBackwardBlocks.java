package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector path of {@link SelectiveScanBackward}: one task's channels in blocks of one vector's lanes (channels
 * are contiguous in the channel-last inputs), one batch entry at a time. Keeping every state h_t of a block would
 * stream L x N x lanes floats (1 MB at L = 1024) through memory several times, so time is cut into chunks of
 * {@link #CHUNK} steps, as the CUDA kernel does: a first forward pass keeps only the state entering each chunk;
 * then, chunk by chunk from the last, each block
 * <ol>
 * <li>computes dt = delta + bias (softplus'd), the softplus slope sigmoid(delta + bias) (1 above 20), and the z
 * gate's factors: the gated dy = dOut silu(z) and silu'(z);</li>
 * <li>recomputes the chunk's decays e^(dt a) and states h_t from its checkpoint (L2-sized buffers), and in the same
 * pass the terms that need only h_t and dy: dC's dy h_t, and y = C.h + D u with it dZ = dOut y silu'(z);</li>
 * <li>walks the chunk backwards carrying dL/dh (kept per block between chunks): du, dDelta, the per-block sums
 * dA, dD, dDeltaBias, and dB with the lanes kept apart; dB and dC are added in lane order once every block is
 * done.</li>
 * </ol>
 * The passes are separate methods so that C2 inlines each one's VMath calls (see SelectiveScan).
 */
final class ScanBackwardBlocks {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();
    /** Time steps per chunk: the chunk's states and decays (2 x 64 x N x lanes floats) stay in L2. */
    static final int CHUNK = 64;

    private final int blocks, l, e, n, lanes, chunks;
    /** The first channel of the current task. */
    private int c0;
    /** Chunk buffers: per step dt, the softplus slope, the gated dy, silu'(z); h has a leading row, the state entering. */
    private final float[] dt, slope, dyg, dsilu, h, decay;
    /** dB, dC of the current chunk as [CHUNK][N][lanes], summed over the blocks. */
    private final float[] lanesB, lanesC;
    /** Per block: the state entering each chunk [chunks][N][lanes], and dL/dh carried into the chunk after. */
    private final float[][] checkpoint, carry;
    /** Per block: dA as [N][lanes], then dD and dDeltaBias [lanes]. */
    private final float[][] accA, accD, accBias;
    /** Gather offsets 0, lanes, 2 lanes, ...: lane k of consecutive rows of a [rows][lanes] buffer. */
    private final int[] stride;

    /**
     * The calling thread's blocks for these dimensions, set to channels [c0, c0 + blocks * lanes): reused from the
     * thread's last task when the dimensions match (a task's buffers are about 0.3 MB at N = 16, and at L = 64
     * allocating and zeroing them cost as much as the task's arithmetic), else made anew. {@link #batch} clears what
     * a task accumulates.
     */
    static ScanBackwardBlocks forTask(int c0, int blocks, int l, int e, int n) {
        ScanBackwardBlocks last = LAST.get();
        if (last == null || last.blocks != blocks || last.l != l || last.e != e || last.n != n) {
            last = new ScanBackwardBlocks(blocks, l, e, n);
            LAST.set(last);
        }
        last.c0 = c0;
        return last;
    }

    private static final ThreadLocal<ScanBackwardBlocks> LAST = new ThreadLocal<>();

    private ScanBackwardBlocks(int blocks, int l, int e, int n) {
        this.blocks = blocks;
        this.l = l;
        this.e = e;
        this.n = n;
        this.lanes = S.length();
        this.chunks = (l + CHUNK - 1) / CHUNK;
        dt = new float[CHUNK * lanes];
        slope = new float[CHUNK * lanes];
        dyg = new float[CHUNK * lanes];
        dsilu = new float[CHUNK * lanes];
        h = new float[(CHUNK + 1) * n * lanes];
        decay = new float[CHUNK * n * lanes];
        lanesB = new float[CHUNK * n * lanes];
        lanesC = new float[CHUNK * n * lanes];
        checkpoint = new float[blocks][chunks * n * lanes];
        carry = new float[blocks][n * lanes];
        accA = new float[blocks][n * lanes];
        accD = new float[blocks][lanes];
        accBias = new float[blocks][lanes];
        stride = new int[lanes];
        for (int k = 0; k < lanes; k++) stride[k] = k * lanes;
    }

    /** Every block for batch entry b; dB, dC of these channels are added to pb, pc ([L, N], b's rows). */
    void batch(float[] u, float[] delta, float[] at, float[] bm, float[] cm, float[] d, float[] z, float[] db,
               boolean softplus, float[] dOut, int b, float[] du, float[] dDelta, float[] dz, float[] pb, float[] pc) {
        // chunk-major like the backward below, so the blocks of one chunk read the same rows while they are cached
        // (the last chunk's states are recomputed below anyway: the pass stops before it, so at L <= CHUNK it is skipped)
        for (int c = 0; c + 1 < chunks; c++) {
            int t0 = c * CHUNK, t1 = Math.min(l, t0 + CHUNK);
            for (int blk = 0; blk < blocks; blk++) {
                int e0 = c0 + blk * lanes;
                if (c == 0) java.util.Arrays.fill(h, 0, n * lanes, 0f);
                else System.arraycopy(checkpoint[blk], c * n * lanes, h, 0, n * lanes);
                timeStep(delta, db, softplus, b, e0, t0, t1);
                advance(u, at, bm, b, e0, t0, t1);
                System.arraycopy(h, 0, checkpoint[blk], (c + 1) * n * lanes, n * lanes);
            }
        }
        for (int blk = 0; blk < blocks; blk++) { // what the walk back accumulates, from zero for each task
            java.util.Arrays.fill(carry[blk], 0f);
            java.util.Arrays.fill(accA[blk], 0f);
            java.util.Arrays.fill(accD[blk], 0f);
            java.util.Arrays.fill(accBias[blk], 0f);
        }
        for (int c = chunks - 1; c >= 0; c--) {
            int t0 = c * CHUNK, t1 = Math.min(l, t0 + CHUNK);
            java.util.Arrays.fill(lanesB, 0f);
            java.util.Arrays.fill(lanesC, 0f);
            for (int blk = 0; blk < blocks; blk++) {
                int e0 = c0 + blk * lanes;
                timeStep(delta, db, softplus, b, e0, t0, t1);
                if (softplus) slopes(delta, db, b, e0, t0, t1);
                gate(z, dOut, b, e0, t0, t1);
                System.arraycopy(checkpoint[blk], c * n * lanes, h, 0, n * lanes);
                recompute(u, at, bm, cm, d, z, dOut, dz, b, e0, t0, t1);
                walkBack(u, at, bm, cm, d, softplus, du, dDelta, b, e0, t0, t1, blk);
            }
            addLanes(lanesB, pb, t0 * n, (t1 - t0) * n);
            addLanes(lanesC, pc, t0 * n, (t1 - t0) * n);
        }
    }

    /**
     * dst[base + r] += the sum of row r of src [rows][lanes], lanes added in lane order (fixed, whatever the JIT
     * does with reduceLanes): a vector of rows at a time, lane k of each gathered with stride {@code lanes}.
     */
    private void addLanes(float[] src, float[] dst, int base, int rows) {
        int r = 0;
        for (; r + lanes <= rows; r += lanes) {
            FloatVector sum = FloatVector.zero(S);
            for (int k = 0; k < lanes; k++) sum = sum.add(FloatVector.fromArray(S, src, r * lanes + k, stride, 0));
            FloatVector.fromArray(S, dst, base + r).add(sum).intoArray(dst, base + r);
        }
        for (; r < rows; r++) {
            float sum = 0f;
            for (int k = 0; k < lanes; k++) sum += src[r * lanes + k];
            dst[base + r] += sum;
        }
    }

    /** Writes these channels' dA [channels, N], dD and dDeltaBias (indexed from c0) after {@link #batch}. */
    void finish(float[] dA, float[] dD, float[] dBias) {
        for (int blk = 0; blk < blocks; blk++) {
            for (int k = 0; k < lanes; k++) {
                int ch = blk * lanes + k;
                for (int s = 0; s < n; s++) dA[ch * n + s] = accA[blk][s * lanes + k];
                dD[ch] = accD[blk][k];
                dBias[ch] = accBias[blk][k];
            }
        }
    }

    private void timeStep(float[] delta, float[] db, boolean softplus, int b, int e0, int t0, int t1) {
        FloatVector bias = db == null ? FloatVector.zero(S) : FloatVector.fromArray(S, db, e0);
        for (int t = t0; t < t1; t++) {
            FloatVector raw = FloatVector.fromArray(S, delta, (b * l + t) * e + e0).add(bias);
            (softplus ? VMath.softplus(raw) : raw).intoArray(dt, (t - t0) * lanes);
        }
    }

    // Each VMath call gets a pass of its own: with two in one method, or exp inside the recurrence, C2 stopped
    // inlining them and boxed every vector (about 2 bytes of garbage per state update).

    /** d softplus(x) / dx = sigmoid(x), and 1 above the threshold 20 where softplus is the identity. */
    private void slopes(float[] delta, float[] db, int b, int e0, int t0, int t1) {
        FloatVector bias = db == null ? FloatVector.zero(S) : FloatVector.fromArray(S, db, e0);
        for (int t = t0; t < t1; t++) {
            FloatVector raw = FloatVector.fromArray(S, delta, (b * l + t) * e + e0).add(bias);
            VMath.sigmoid(raw).blend(1f, raw.compare(VectorOperators.GT, 20f)).intoArray(slope, (t - t0) * lanes);
        }
    }

    /**
     * The chunk's recurrence in place on h's leading row: the checkpoint pass. e^(dt a) is computed here and not kept
     * (the backward pass recomputes it where it needs it), in the same operations as {@link #recompute}, so the
     * states entering each chunk are the bits recompute would give.
     */
    private void advance(float[] u, float[] at, float[] bm, int b, int e0, int t0, int t1) {
        for (int t = t0; t < t1; t++) {
            int row = (b * l + t) * n;
            FloatVector dtv = FloatVector.fromArray(S, dt, (t - t0) * lanes);
            FloatVector dtu = dtv.mul(FloatVector.fromArray(S, u, (b * l + t) * e + e0));
            for (int s = 0, o = 0; s < n; s++, o += lanes) {
                FloatVector dec = VMath.exp(dtv.mul(FloatVector.fromArray(S, at, s * e + e0)));
                dec.fma(FloatVector.fromArray(S, h, o), dtu.mul(bm[row + s])).intoArray(h, o);
            }
        }
    }

    /**
     * Per step of the chunk the z gate's factors: the gated dy = dOut silu(z) and silu'(z) = sig (1 + z (1 - sig)),
     * for dZ = dOut y silu'(z) once recompute has y. Without z, dy is dOut.
     */
    private void gate(float[] z, float[] dOut, int b, int e0, int t0, int t1) {
        for (int t = t0; t < t1; t++) {
            int idx = (b * l + t) * e + e0, i = (t - t0) * lanes;
            FloatVector g = FloatVector.fromArray(S, dOut, idx);
            if (z == null) {
                g.intoArray(dyg, i);
                continue;
            }
            FloatVector zv = FloatVector.fromArray(S, z, idx), sig = VMath.sigmoid(zv);
            sig.mul(zv.mul(sig.neg().add(1f)).add(1f)).intoArray(dsilu, i);
            g.mul(zv.mul(sig)).intoArray(dyg, i);
        }
    }

    /**
     * One forward pass over the chunk from its checkpoint that leaves what the walk back reads: the decays
     * e^(dt a) and the states h (row i + 1 for step t0 + i), and on the way the products that only need h_t and the
     * gated dy: dC's terms dy h_t, y = C.h + D u and with it dZ.
     */
    private void recompute(float[] u, float[] at, float[] bm, float[] cm, float[] d, float[] z, float[] dOut,
                           float[] dz, int b, int e0, int t0, int t1) {
        FloatVector dv = d == null ? FloatVector.zero(S) : FloatVector.fromArray(S, d, e0);
        for (int t = t0; t < t1; t++) {
            int idx = (b * l + t) * e + e0, row = (b * l + t) * n, i = (t - t0) * lanes;
            int hp = (t - t0) * n * lanes, hc = hp + n * lanes;
            FloatVector dtv = FloatVector.fromArray(S, dt, i), uv = FloatVector.fromArray(S, u, idx);
            FloatVector dtu = dtv.mul(uv), dy = FloatVector.fromArray(S, dyg, i);
            FloatVector y = dv.mul(uv);
            for (int s = 0, o = 0; s < n; s++, o += lanes) {
                FloatVector dec = VMath.exp(dtv.mul(FloatVector.fromArray(S, at, s * e + e0)));
                dec.intoArray(decay, hp + o);
                FloatVector hs = dec.fma(FloatVector.fromArray(S, h, hp + o), dtu.mul(bm[row + s]));
                hs.intoArray(h, hc + o);
                y = hs.fma(FloatVector.broadcast(S, cm[row + s]), y);
                FloatVector.fromArray(S, lanesC, hp + o).add(dy.mul(hs)).intoArray(lanesC, hp + o);
            }
            if (z != null) FloatVector.fromArray(S, dOut, idx).mul(y).mul(FloatVector.fromArray(S, dsilu, i)).intoArray(dz, idx);
        }
    }

    private void walkBack(float[] u, float[] at, float[] bm, float[] cm, float[] d, boolean softplus, float[] du,
                          float[] dDelta, int b, int e0, int t0, int t1, int blk) {
        float[] dA = accA[blk], dhc = carry[blk];
        FloatVector dv = d == null ? null : FloatVector.fromArray(S, d, e0);
        FloatVector dDacc = FloatVector.fromArray(S, accD[blk], 0), biasAcc = FloatVector.fromArray(S, accBias[blk], 0);
        for (int t = t1 - 1; t >= t0; t--) {
            int idx = (b * l + t) * e + e0, row = (b * l + t) * n, i = (t - t0) * lanes;
            int hp = (t - t0) * n * lanes;
            FloatVector dy = FloatVector.fromArray(S, dyg, i), uv = FloatVector.fromArray(S, u, idx);
            FloatVector dtv = FloatVector.fromArray(S, dt, i), dtu = dtv.mul(uv);
            FloatVector ddt = FloatVector.zero(S), sumB = FloatVector.zero(S);
            for (int s = 0, o = 0; s < n; s++, o += lanes) {
                FloatVector dec = FloatVector.fromArray(S, decay, hp + o);
                FloatVector dh = dy.fma(FloatVector.broadcast(S, cm[row + s]), FloatVector.fromArray(S, dhc, o));
                FloatVector.fromArray(S, lanesB, hp + o).add(dh.mul(dtu)).intoArray(lanesB, hp + o);
                FloatVector dhB = dh.mul(bm[row + s]);
                sumB = sumB.add(dhB);
                // dL/d(dt) through e^(dt a) h_{t-1}: dh e^(dt a) h_{t-1} a; the same product times dt is dL/da
                FloatVector dhDecayPrev = dh.mul(dec).mul(FloatVector.fromArray(S, h, hp + o));
                ddt = dhDecayPrev.fma(FloatVector.fromArray(S, at, s * e + e0), dhB.fma(uv, ddt));
                dhDecayPrev.fma(dtv, FloatVector.fromArray(S, dA, o)).intoArray(dA, o);
                dh.mul(dec).intoArray(dhc, o);
            }
            FloatVector duv = dtv.mul(sumB);
            if (dv != null) {
                duv = dy.fma(dv, duv);
                dDacc = dy.fma(uv, dDacc);
            }
            duv.intoArray(du, idx);
            if (softplus) ddt = ddt.mul(FloatVector.fromArray(S, slope, i));
            ddt.intoArray(dDelta, idx);
            biasAcc = biasAcc.add(ddt);
        }
        dDacc.intoArray(accD[blk], 0);
        biasAcc.intoArray(accBias[blk], 0);
    }
}
