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
     * fmas (four fed four; eight with the tiles below is 34-38% faster at Dimba-L shapes, see
     * bench/results/attention-backward-2026-12-05.md).
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

    /**
     * s[r][j] = sum_c qs[r][c] kt[c][j] for the RQ rows, each one fma chain over c from zero; vectors run over keys,
     * two at a time where they can (one load of q feeds two fmas), else one.
     */
    private static void scores(float[] qs, float[] kt, float[] s, int d, int lkp) {
        final int l = S.length();
        int jb = 0;
        for (; jb + 2 * l <= lkp; jb += 2 * l) rowsTimesTwo(qs, kt, s, d, d, jb, lkp);
        for (; jb < lkp; jb += l) rowsTimesOne(qs, kt, s, d, d, jb, lkp);
    }

    /** acc[r][c] = sum_j p[r][j] vp[j][c] for the RQ rows, each one fma chain over j in order; vectors run over c. */
    private static void weightedValues(float[] p, float[] vp, float[] acc, int lk, int lkp, int dp) {
        final int l = S.length();
        int cb = 0;
        for (; cb + 2 * l <= dp; cb += 2 * l) rowsTimesTwo(p, vp, acc, lk, lkp, cb, dp);
        for (; cb < dp; cb += l) rowsTimesOne(p, vp, acc, lk, lkp, cb, dp);
    }

    /**
     * out[r][jb .. jb + 2 lanes) = sum_c a[r][c] b[c][jb ..] over c in [0, k) for the RQ rows of a (row stride lda),
     * b and out with row strides ldb: an RQ x 2-vector register tile, each element one fma chain from zero.
     */
    private static void rowsTimesTwo(float[] a, float[] b, float[] out, int k, int lda, int jb, int ldb) {
        final int l = S.length();
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
        FloatVector b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z, b6 = z, b7 = z;
        for (int c = 0, o = jb; c < k; c++, o += ldb) {
            FloatVector x = FloatVector.fromArray(S, b, o), y = FloatVector.fromArray(S, b, o + l);
            FloatVector w = FloatVector.broadcast(S, a[c]);
            a0 = w.fma(x, a0);
            b0 = w.fma(y, b0);
            w = FloatVector.broadcast(S, a[lda + c]);
            a1 = w.fma(x, a1);
            b1 = w.fma(y, b1);
            w = FloatVector.broadcast(S, a[2 * lda + c]);
            a2 = w.fma(x, a2);
            b2 = w.fma(y, b2);
            w = FloatVector.broadcast(S, a[3 * lda + c]);
            a3 = w.fma(x, a3);
            b3 = w.fma(y, b3);
            w = FloatVector.broadcast(S, a[4 * lda + c]);
            a4 = w.fma(x, a4);
            b4 = w.fma(y, b4);
            w = FloatVector.broadcast(S, a[5 * lda + c]);
            a5 = w.fma(x, a5);
            b5 = w.fma(y, b5);
            w = FloatVector.broadcast(S, a[6 * lda + c]);
            a6 = w.fma(x, a6);
            b6 = w.fma(y, b6);
            w = FloatVector.broadcast(S, a[7 * lda + c]);
            a7 = w.fma(x, a7);
            b7 = w.fma(y, b7);
        }
        a0.intoArray(out, jb);
        b0.intoArray(out, jb + l);
        a1.intoArray(out, ldb + jb);
        b1.intoArray(out, ldb + jb + l);
        a2.intoArray(out, 2 * ldb + jb);
        b2.intoArray(out, 2 * ldb + jb + l);
        a3.intoArray(out, 3 * ldb + jb);
        b3.intoArray(out, 3 * ldb + jb + l);
        a4.intoArray(out, 4 * ldb + jb);
        b4.intoArray(out, 4 * ldb + jb + l);
        a5.intoArray(out, 5 * ldb + jb);
        b5.intoArray(out, 5 * ldb + jb + l);
        a6.intoArray(out, 6 * ldb + jb);
        b6.intoArray(out, 6 * ldb + jb + l);
        a7.intoArray(out, 7 * ldb + jb);
        b7.intoArray(out, 7 * ldb + jb + l);
    }

    /** {@link #rowsTimesTwo} for one vector of columns (the last, where an odd number remain). */
    private static void rowsTimesOne(float[] a, float[] b, float[] out, int k, int lda, int jb, int ldb) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
        for (int c = 0, o = jb; c < k; c++, o += ldb) {
            FloatVector x = FloatVector.fromArray(S, b, o);
            a0 = FloatVector.broadcast(S, a[c]).fma(x, a0);
            a1 = FloatVector.broadcast(S, a[lda + c]).fma(x, a1);
            a2 = FloatVector.broadcast(S, a[2 * lda + c]).fma(x, a2);
            a3 = FloatVector.broadcast(S, a[3 * lda + c]).fma(x, a3);
            a4 = FloatVector.broadcast(S, a[4 * lda + c]).fma(x, a4);
            a5 = FloatVector.broadcast(S, a[5 * lda + c]).fma(x, a5);
            a6 = FloatVector.broadcast(S, a[6 * lda + c]).fma(x, a6);
            a7 = FloatVector.broadcast(S, a[7 * lda + c]).fma(x, a7);
        }
        a0.intoArray(out, jb);
        a1.intoArray(out, ldb + jb);
        a2.intoArray(out, 2 * ldb + jb);
        a3.intoArray(out, 3 * ldb + jb);
        a4.intoArray(out, 4 * ldb + jb);
        a5.intoArray(out, 5 * ldb + jb);
        a6.intoArray(out, 6 * ldb + jb);
        a7.intoArray(out, 7 * ldb + jb);
    }

    /**
     * dst[j][c] += sum_r a[r][j] x[r][c] over the RQ rows in row order (x padded to Dp); vectors run over the head
     * dim, two keys at a time (one load of x feeds both). A key whose RQ weights are all zero (masked) adds nothing:
     * a pair of such keys is skipped, and one beside a live key adds 0 x, which leaves dst as it is.
     */
    private static void rankUpdate(float[] a, float[] x, float[] dst, int lk, int lkp, int dp) {
        int j = 0;
        for (; j + 1 < lk; j += 2) {
            if (zeroColumn(a, j, lkp) && zeroColumn(a, j + 1, lkp)) continue;
            rankUpdatePair(a, x, dst, j, lkp, dp);
        }
        if (j < lk && !zeroColumn(a, j, lkp)) rankUpdateOne(a, x, dst, j, lkp, dp);
    }

    private static boolean zeroColumn(float[] a, int j, int lkp) {
        for (int r = 0; r < RQ; r++) if (a[r * lkp + j] != 0f) return false;
        return true;
    }

    private static void rankUpdatePair(float[] a, float[] x, float[] dst, int j, int lkp, int dp) {
        final int l = S.length();
        FloatVector w0 = FloatVector.broadcast(S, a[j]), w1 = FloatVector.broadcast(S, a[lkp + j]);
        FloatVector w2 = FloatVector.broadcast(S, a[2 * lkp + j]), w3 = FloatVector.broadcast(S, a[3 * lkp + j]);
        FloatVector w4 = FloatVector.broadcast(S, a[4 * lkp + j]), w5 = FloatVector.broadcast(S, a[5 * lkp + j]);
        FloatVector w6 = FloatVector.broadcast(S, a[6 * lkp + j]), w7 = FloatVector.broadcast(S, a[7 * lkp + j]);
        FloatVector v0 = FloatVector.broadcast(S, a[j + 1]), v1 = FloatVector.broadcast(S, a[lkp + j + 1]);
        FloatVector v2 = FloatVector.broadcast(S, a[2 * lkp + j + 1]), v3 = FloatVector.broadcast(S, a[3 * lkp + j + 1]);
        FloatVector v4 = FloatVector.broadcast(S, a[4 * lkp + j + 1]), v5 = FloatVector.broadcast(S, a[5 * lkp + j + 1]);
        FloatVector v6 = FloatVector.broadcast(S, a[6 * lkp + j + 1]), v7 = FloatVector.broadcast(S, a[7 * lkp + j + 1]);
        for (int cb = 0, o = j * dp; cb < dp; cb += l, o += l) {
            FloatVector acc = FloatVector.fromArray(S, dst, o), bcc = FloatVector.fromArray(S, dst, o + dp);
            FloatVector xv = FloatVector.fromArray(S, x, cb);
            acc = w0.fma(xv, acc);
            bcc = v0.fma(xv, bcc);
            xv = FloatVector.fromArray(S, x, dp + cb);
            acc = w1.fma(xv, acc);
            bcc = v1.fma(xv, bcc);
            xv = FloatVector.fromArray(S, x, 2 * dp + cb);
            acc = w2.fma(xv, acc);
            bcc = v2.fma(xv, bcc);
            xv = FloatVector.fromArray(S, x, 3 * dp + cb);
            acc = w3.fma(xv, acc);
            bcc = v3.fma(xv, bcc);
            xv = FloatVector.fromArray(S, x, 4 * dp + cb);
            acc = w4.fma(xv, acc);
            bcc = v4.fma(xv, bcc);
            xv = FloatVector.fromArray(S, x, 5 * dp + cb);
            acc = w5.fma(xv, acc);
            bcc = v5.fma(xv, bcc);
            xv = FloatVector.fromArray(S, x, 6 * dp + cb);
            acc = w6.fma(xv, acc);
            bcc = v6.fma(xv, bcc);
            xv = FloatVector.fromArray(S, x, 7 * dp + cb);
            acc = w7.fma(xv, acc);
            bcc = v7.fma(xv, bcc);
            acc.intoArray(dst, o);
            bcc.intoArray(dst, o + dp);
        }
    }

    /** {@link #rankUpdatePair} for the last key of an odd count. */
    private static void rankUpdateOne(float[] a, float[] x, float[] dst, int j, int lkp, int dp) {
        final int l = S.length();
        for (int cb = 0, o = j * dp; cb < dp; cb += l, o += l) {
            FloatVector acc = FloatVector.fromArray(S, dst, o);
            for (int r = 0; r < RQ; r++) acc = FloatVector.broadcast(S, a[r * lkp + j]).fma(FloatVector.fromArray(S, x, r * dp + cb), acc);
            acc.intoArray(dst, o);
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
