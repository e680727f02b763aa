package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dimba4j.kernels.OpShapes;

import java.util.Arrays;

/**
 * Backward of {@link Attention}, FlashAttention-style: the probabilities of {@link #RQ} query rows at a time are
 * recomputed exactly as the forward does (same scaled q, same vector exp), then
 * <pre>
 *   dP = dO V^T,  dS = scale P (dP - rowsum(dO O)),  dQ = dS K,  dK += dS^T q,  dV += P^T dO.
 * </pre>
 * One task per (batch, head, query range); memory is O(Lk D) per task (K and V packed twice, dK and dV
 * accumulators), never Lq x Lk. When there are fewer (batch, head) pairs than {@link #TASKS} the queries are split
 * too, and each range's dK, dV are summed afterwards in range order, so no two tasks write the same element. The
 * split depends only on the shapes, never on the thread count, so every thread count gives the same bits.
 */
final class AttentionBackward {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /**
     * Query rows per step: each product below keeps RQ vector accumulators, so one load of K, V or dK/dV feeds RQ
     * fmas (with four, the loads and the dK, dV stores left the fma units half idle).
     */
    private static final int RQ = 8;
    /**
     * Query ranges start at multiples of this many rows. Fixed apart from RQ: a range's dK, dV are one fma chain
     * per element over its rows, so where the ranges start decides the bits, and RQ does not.
     */
    private static final int RANGE_ROWS = 4;
    /**
     * Tasks the work is cut into when there are few (batch, head) pairs: enough for a 16-core machine, few enough
     * that the ranges' dK, dV partial sums (2 Lk Dp floats each) stay small.
     */
    static final int TASKS = 16;

    private AttentionBackward() {}

    /** dq, dk, dv (each in its operand's [B, L, H*D] layout). */
    record Grads(float[] dq, float[] dk, float[] dv) {}

    static Grads run(float[] q, float[] k, float[] v, float[] o, float[] dout, OpShapes.AttentionDims ad, float scale,
                     float[] mask, float[] bias) {
        int bsz = ad.batch(), lq = ad.lq(), lk = ad.lk(), heads = ad.heads(), d = ad.headDim();
        boolean batchedBias = ad.batchedBias();
        int hd = heads * d, pairs = bsz * heads, dp = padded(d);
        float[] dq = new float[bsz * lq * hd], dk = new float[bsz * lk * hd], dv = new float[bsz * lk * hd];
        int blocks = (lq + RANGE_ROWS - 1) / RANGE_ROWS;
        int chunks = Math.max(1, Math.min(blocks, (TASKS + pairs - 1) / pairs));
        long work = 10L * pairs * lq * lk * d;
        // one range per pair: write dK, dV straight out; several: keep each range's partial sums until all are done
        float[][] partK = chunks == 1 ? null : new float[pairs * chunks][], partV = chunks == 1 ? null : new float[pairs * chunks][];
        Parallel.forEach(pairs * chunks, work > 200_000, t -> {
            int b = t / (heads * chunks), h = (t / chunks) % heads, ch = t % chunks;
            int i0 = Math.min(lq, blocks * ch / chunks * RANGE_ROWS), i1 = Math.min(lq, blocks * (ch + 1) / chunks * RANGE_ROWS);
            float[] dkp = new float[lk * dp], dvp = new float[lk * dp];
            if (i0 < i1) head(q, k, v, o, dout, dq, dkp, dvp, b, h, i0, i1, lq, lk, heads, d, scale, mask, bias, batchedBias);
            if (chunks == 1) {
                scatter(dkp, dk, b, h, lk, heads, d);
                scatter(dvp, dv, b, h, lk, heads, d);
            } else {
                partK[t] = dkp;
                partV[t] = dvp;
            }
        });
        if (chunks > 1) {
            Parallel.forEach(pairs, work > 200_000, pair -> {
                float[] sk = partK[pair * chunks], sv = partV[pair * chunks];
                for (int ch = 1; ch < chunks; ch++) {
                    addInPlace(sk, partK[pair * chunks + ch]);
                    addInPlace(sv, partV[pair * chunks + ch]);
                }
                scatter(sk, dk, pair / heads, pair % heads, lk, heads, d);
                scatter(sv, dv, pair / heads, pair % heads, lk, heads, d);
            });
        }
        return new Grads(dq, dk, dv);
    }

    private static int padded(int n) {
        int l = S.length();
        return (n + l - 1) / l * l;
    }

    private static void head(float[] q, float[] k, float[] v, float[] o, float[] dout, float[] dq, float[] dkp, float[] dvp,
                             int b, int h, int i0, int i1, int lq, int lk, int heads, int d, float scale, float[] mask,
                             float[] bias, boolean batchedBias) {
        final int hd = heads * d, lkp = padded(lk), dp = padded(d);
        // K and V transposed ([D][Lkp]: score-like products are vectors over keys) and K padded ([Lk][Dp]: dQ rows)
        float[] kt = new float[d * lkp], vt = new float[d * lkp], kp = new float[lk * dp], keyBias = new float[lkp];
        for (int j = 0; j < lk; j++) {
            int src = (b * lk + j) * hd + h * d;
            for (int c = 0; c < d; c++) {
                kt[c * lkp + j] = k[src + c];
                vt[c * lkp + j] = v[src + c];
            }
            System.arraycopy(k, src, kp, j * dp, d);
            if (mask != null && mask[b * lk + j] == 0f) keyBias[j] = Float.NEGATIVE_INFINITY;
        }
        Arrays.fill(keyBias, lk, lkp, Float.NEGATIVE_INFINITY);
        // per block of RQ rows: scaled q (scores), raw q and dO padded to Dp (dK, dV updates), P and dS
        float[] qs = new float[RQ * d], dos = new float[RQ * d], qp = new float[RQ * dp], dop = new float[RQ * dp];
        float[] p = new float[RQ * lkp], ds = new float[RQ * lkp], acc = new float[RQ * dp];
        for (int i = i0; i < i1; i += RQ) {
            int rows = Math.min(RQ, i1 - i);
            Arrays.fill(qp, 0f);
            Arrays.fill(dop, 0f);
            for (int r = 0; r < RQ; r++) {
                // rows past the end repeat the last one for the products, and get P = dS = 0 below
                int src = (b * lq + i + Math.min(r, rows - 1)) * hd + h * d;
                for (int c = 0; c < d; c++) {
                    qs[r * d + c] = q[src + c] * scale;
                    dos[r * d + c] = dout[src + c];
                }
                if (r < rows) {
                    System.arraycopy(q, src, qp, r * dp, d);
                    System.arraycopy(dout, src, dop, r * dp, d);
                }
            }
            scores(qs, kt, p, d, lkp);
            scores(dos, vt, ds, d, lkp);
            for (int r = 0; r < RQ; r++) {
                int so = r * lkp;
                if (r < rows && bias != null) {
                    int bo = (((batchedBias ? b * heads : 0) + h) * lq + i + r) * lk;
                    for (int j = 0; j < lk; j++) p[so + j] += bias[bo + j];
                }
                float z = r < rows ? Attention.softmaxRow(p, so, keyBias, lkp) : 0f;
                if (z == 0f) { // past the end, or no key left: this row contributes nothing
                    Arrays.fill(p, so, so + lkp, 0f);
                    Arrays.fill(ds, so, so + lkp, 0f);
                    continue;
                }
                int oo = (b * lq + i + r) * hd + h * d;
                double di = 0;
                for (int c = 0; c < d; c++) di += (double) dout[oo + c] * o[oo + c];
                scoreGradient(p, ds, so, lkp, 1f / z, (float) di, scale);
            }
            weightedValues(ds, kp, acc, lk, lkp, dp);
            for (int r = 0; r < rows; r++) {
                int dst = (b * lq + i + r) * hd + h * d;
                for (int c = 0; c < d; c++) dq[dst + c] = acc[r * dp + c];
            }
            rankUpdate(ds, qp, dkp, lk, lkp, dp);
            rankUpdate(p, dop, dvp, lk, lkp, dp);
        }
    }

    /** p = e * invZ (the probabilities); ds = scale p (dP - di), with dP read from and ds written to the same row. */
    private static void scoreGradient(float[] p, float[] ds, int so, int lkp, float invZ, float di, float scale) {
        final int l = S.length();
        for (int j = 0; j < lkp; j += l) {
            FloatVector pv = FloatVector.fromArray(S, p, so + j).mul(invZ);
            pv.intoArray(p, so + j);
            pv.mul(FloatVector.fromArray(S, ds, so + j).sub(di)).mul(scale).intoArray(ds, so + j);
        }
    }

    /** s[r][j] = sum_c qs[r][c] kt[c][j] for the RQ rows, each one fma chain over c from zero; vectors run over keys. */
    private static void scores(float[] qs, float[] kt, float[] s, int d, int lkp) {
        final int l = S.length();
        for (int jb = 0; jb < lkp; jb += l) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int c = 0, ko = jb; c < d; c++, ko += lkp) {
                FloatVector kv = FloatVector.fromArray(S, kt, ko);
                a0 = FloatVector.broadcast(S, qs[c]).fma(kv, a0);
                a1 = FloatVector.broadcast(S, qs[d + c]).fma(kv, a1);
                a2 = FloatVector.broadcast(S, qs[2 * d + c]).fma(kv, a2);
                a3 = FloatVector.broadcast(S, qs[3 * d + c]).fma(kv, a3);
                a4 = FloatVector.broadcast(S, qs[4 * d + c]).fma(kv, a4);
                a5 = FloatVector.broadcast(S, qs[5 * d + c]).fma(kv, a5);
                a6 = FloatVector.broadcast(S, qs[6 * d + c]).fma(kv, a6);
                a7 = FloatVector.broadcast(S, qs[7 * d + c]).fma(kv, a7);
            }
            a0.intoArray(s, jb);
            a1.intoArray(s, lkp + jb);
            a2.intoArray(s, 2 * lkp + jb);
            a3.intoArray(s, 3 * lkp + jb);
            a4.intoArray(s, 4 * lkp + jb);
            a5.intoArray(s, 5 * lkp + jb);
            a6.intoArray(s, 6 * lkp + jb);
            a7.intoArray(s, 7 * lkp + jb);
        }
    }

    /** acc[r][c] = sum_j p[r][j] vp[j][c] for the RQ rows, each one fma chain over j in order; vectors run over c. */
    private static void weightedValues(float[] p, float[] vp, float[] acc, int lk, int lkp, int dp) {
        final int l = S.length();
        for (int cb = 0; cb < dp; cb += l) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int j = 0, vo = cb; j < lk; j++, vo += dp) {
                FloatVector vv = FloatVector.fromArray(S, vp, vo);
                a0 = FloatVector.broadcast(S, p[j]).fma(vv, a0);
                a1 = FloatVector.broadcast(S, p[lkp + j]).fma(vv, a1);
                a2 = FloatVector.broadcast(S, p[2 * lkp + j]).fma(vv, a2);
                a3 = FloatVector.broadcast(S, p[3 * lkp + j]).fma(vv, a3);
                a4 = FloatVector.broadcast(S, p[4 * lkp + j]).fma(vv, a4);
                a5 = FloatVector.broadcast(S, p[5 * lkp + j]).fma(vv, a5);
                a6 = FloatVector.broadcast(S, p[6 * lkp + j]).fma(vv, a6);
                a7 = FloatVector.broadcast(S, p[7 * lkp + j]).fma(vv, a7);
            }
            a0.intoArray(acc, cb);
            a1.intoArray(acc, dp + cb);
            a2.intoArray(acc, 2 * dp + cb);
            a3.intoArray(acc, 3 * dp + cb);
            a4.intoArray(acc, 4 * dp + cb);
            a5.intoArray(acc, 5 * dp + cb);
            a6.intoArray(acc, 6 * dp + cb);
            a7.intoArray(acc, 7 * dp + cb);
        }
    }

    /**
     * dst[j][c] += sum_r a[r][j] x[r][c] over the RQ rows in row order (x padded to Dp); vectors run over the head
     * dim. A key whose RQ weights are all zero (masked) is skipped: adding 0 x would leave dst as it is anyway.
     */
    private static void rankUpdate(float[] a, float[] x, float[] dst, int lk, int lkp, int dp) {
        final int l = S.length();
        for (int j = 0; j < lk; j++) {
            float w0 = a[j], w1 = a[lkp + j], w2 = a[2 * lkp + j], w3 = a[3 * lkp + j];
            float w4 = a[4 * lkp + j], w5 = a[5 * lkp + j], w6 = a[6 * lkp + j], w7 = a[7 * lkp + j];
            if (w0 == 0f && w1 == 0f && w2 == 0f && w3 == 0f && w4 == 0f && w5 == 0f && w6 == 0f && w7 == 0f) continue;
            for (int cb = 0, o = j * dp; cb < dp; cb += l, o += l) {
                FloatVector acc = FloatVector.fromArray(S, dst, o);
                acc = FloatVector.broadcast(S, w0).fma(FloatVector.fromArray(S, x, cb), acc);
                acc = FloatVector.broadcast(S, w1).fma(FloatVector.fromArray(S, x, dp + cb), acc);
                acc = FloatVector.broadcast(S, w2).fma(FloatVector.fromArray(S, x, 2 * dp + cb), acc);
                acc = FloatVector.broadcast(S, w3).fma(FloatVector.fromArray(S, x, 3 * dp + cb), acc);
                acc = FloatVector.broadcast(S, w4).fma(FloatVector.fromArray(S, x, 4 * dp + cb), acc);
                acc = FloatVector.broadcast(S, w5).fma(FloatVector.fromArray(S, x, 5 * dp + cb), acc);
                acc = FloatVector.broadcast(S, w6).fma(FloatVector.fromArray(S, x, 6 * dp + cb), acc);
                acc = FloatVector.broadcast(S, w7).fma(FloatVector.fromArray(S, x, 7 * dp + cb), acc);
                acc.intoArray(dst, o);
            }
        }
    }

    private static void addInPlace(float[] dst, float[] src) {
        final int l = S.length();
        for (int i = 0; i < dst.length; i += l) FloatVector.fromArray(S, dst, i).add(FloatVector.fromArray(S, src, i)).intoArray(dst, i);
    }

    /** A packed [Lk][Dp] gradient of one (batch, head) into its [B, Lk, H*D] places. */
    private static void scatter(float[] packed, float[] dst, int b, int h, int lk, int heads, int d) {
        int hd = heads * d, dp = padded(d);
        for (int j = 0; j < lk; j++) System.arraycopy(packed, j * dp, dst, (b * lk + j) * hd + h * d, d);
    }
}
