package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dimba4j.kernels.OpShapes;

import java.util.Arrays;

/**
 * Backward of {@link Attention}, FlashAttention-style: the probabilities of four query rows at a time are
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
    private static final int RQ = 4;
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
        int blocks = (lq + RQ - 1) / RQ;
        int chunks = Math.max(1, Math.min(blocks, (TASKS + pairs - 1) / pairs));
        long work = 10L * pairs * lq * lk * d;
        // one range per pair: write dK, dV straight out; several: keep each range's partial sums until all are done
        float[][] partK = chunks == 1 ? null : new float[pairs * chunks][], partV = chunks == 1 ? null : new float[pairs * chunks][];
        Parallel.forEach(pairs * chunks, work > 200_000, t -> {
            int b = t / (heads * chunks), h = (t / chunks) % heads, ch = t % chunks;
            int i0 = Math.min(lq, blocks * ch / chunks * RQ), i1 = Math.min(lq, blocks * (ch + 1) / chunks * RQ);
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
        // per block of four rows: scaled q (scores), raw q and dO padded to Dp (dK, dV updates), P and dS
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
            Attention.scores(qs, kt, p, d, lkp);
            Attention.scores(dos, vt, ds, d, lkp);
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
            Attention.weightedValues(ds, kp, acc, lk, lkp, dp);
            for (int r = 0; r < rows; r++) {
                int dst = (b * lq + i + r) * hd + h * d;
                for (int c = 0; c < d; c++) dq[dst + c] = acc[r * dp + c];
            }
            rank4Update(ds, qp, dkp, lk, lkp, dp);
            rank4Update(p, dop, dvp, lk, lkp, dp);
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

    /** dst[j][c] += sum_r a[r][j] x[r][c] over the four rows (x padded to Dp); vectors run over the head dim. */
    private static void rank4Update(float[] a, float[] x, float[] dst, int lk, int lkp, int dp) {
        final int l = S.length();
        for (int j = 0; j < lk; j++) {
            float w0 = a[j], w1 = a[lkp + j], w2 = a[2 * lkp + j], w3 = a[3 * lkp + j];
            if (w0 == 0f && w1 == 0f && w2 == 0f && w3 == 0f) continue; // a masked key
            for (int cb = 0, o = j * dp; cb < dp; cb += l, o += l) {
                FloatVector acc = FloatVector.fromArray(S, dst, o);
                acc = FloatVector.broadcast(S, w0).fma(FloatVector.fromArray(S, x, cb), acc);
                acc = FloatVector.broadcast(S, w1).fma(FloatVector.fromArray(S, x, dp + cb), acc);
                acc = FloatVector.broadcast(S, w2).fma(FloatVector.fromArray(S, x, 2 * dp + cb), acc);
                acc = FloatVector.broadcast(S, w3).fma(FloatVector.fromArray(S, x, 3 * dp + cb), acc);
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
