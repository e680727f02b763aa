package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dimba4j.kernels.OpShapes;

import java.util.Arrays;

/**
 * Scaled-dot-product attention, one (batch, head, query range) per task and four query rows at a time.
 * Memory is O(L): a task holds its head's K transposed ([D][Lk], so scores are vectors over keys), V padded
 * ([Lk][Dpad]) and four rows of scores, never the Lq x Lk matrix. Each score row gets an exact max-subtracted
 * softmax; masked keys are -inf (weight 0), and a row with no key left gives zeros.
 */
final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int RQ = 4;

    private Attention() {}

    /** The checked shapes come as {@code ad}; mask [B, Lk] (1 keep, 0 drop) and bias may be null. */
    static float[] run(float[] q, float[] k, float[] v, OpShapes.AttentionDims ad, float scale, float[] mask, float[] bias) {
        int bsz = ad.batch(), lq = ad.lq(), lk = ad.lk(), heads = ad.heads(), d = ad.headDim();
        boolean batchedBias = ad.batchedBias();
        int hd = heads * d;
        float[] o = new float[bsz * lq * hd];
        int blocks = (lq + RQ - 1) / RQ;
        int chunks = Math.max(1, Math.min(blocks, (4 * Parallel.threads() + bsz * heads - 1) / (bsz * heads)));
        long work = 2L * bsz * heads * lq * lk * d;
        Parallel.forEach(bsz * heads * chunks, work > 200_000, t -> {
            int b = t / (heads * chunks), h = (t / chunks) % heads, ch = t % chunks;
            int i0 = Math.min(lq, blocks * ch / chunks * RQ), i1 = Math.min(lq, blocks * (ch + 1) / chunks * RQ);
            if (i0 < i1) head(q, k, v, o, b, h, i0, i1, lq, lk, heads, d, scale, mask, bias, batchedBias);
        });
        return o;
    }

    private static void head(float[] q, float[] k, float[] v, float[] o, int b, int h, int i0, int i1, int lq, int lk,
                             int heads, int d, float scale, float[] mask, float[] bias, boolean batchedBias) {
        final int l = S.length(), hd = heads * d;
        int lkp = (lk + l - 1) / l * l, dp = (d + l - 1) / l * l;
        float[] kt = new float[d * lkp], vp = new float[lk * dp], keyBias = new float[lkp];
        for (int j = 0; j < lk; j++) {
            int src = (b * lk + j) * hd + h * d;
            for (int c = 0; c < d; c++) kt[c * lkp + j] = k[src + c];
            System.arraycopy(v, src, vp, j * dp, d);
            if (mask != null && mask[b * lk + j] == 0f) keyBias[j] = Float.NEGATIVE_INFINITY;
        }
        Arrays.fill(keyBias, lk, lkp, Float.NEGATIVE_INFINITY);
        float[] qs = new float[RQ * d], s = new float[RQ * lkp], acc = new float[RQ * dp], z = new float[RQ];
        for (int i = i0; i < i1; i += RQ) {
            int rows = Math.min(RQ, i1 - i);
            for (int r = 0; r < RQ; r++) {
                int src = (b * lq + i + Math.min(r, rows - 1)) * hd + h * d;
                for (int c = 0; c < d; c++) qs[r * d + c] = q[src + c] * scale;
            }
            scores(qs, kt, s, d, lkp);
            for (int r = 0; r < RQ; r++) {
                int so = r * lkp;
                if (r < rows && bias != null) {
                    int bo = (((batchedBias ? b * heads : 0) + h) * lq + i + r) * lk;
                    for (int j = 0; j < lk; j++) s[so + j] += bias[bo + j];
                }
                z[r] = r < rows ? softmaxRow(s, so, keyBias, lkp) : 0f;
                if (z[r] == 0f) Arrays.fill(s, so, so + lkp, 0f);
            }
            weightedValues(s, vp, acc, lk, lkp, dp);
            for (int r = 0; r < rows; r++) {
                int dst = (b * lq + i + r) * hd + h * d;
                float inv = z[r] == 0f ? 0f : 1f / z[r];
                for (int c = 0; c < d; c++) o[dst + c] = acc[r * dp + c] * inv;
            }
        }
    }

    /** s[r][j] = sum_c qs[r][c] kt[c][j] for four query rows; vectors run over keys. (The backward uses it too.) */
    static void scores(float[] qs, float[] kt, float[] s, int d, int lkp) {
        final int l = S.length();
        for (int jb = 0; jb < lkp; jb += l) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            for (int c = 0, ko = jb; c < d; c++, ko += lkp) {
                FloatVector kv = FloatVector.fromArray(S, kt, ko);
                a0 = FloatVector.broadcast(S, qs[c]).fma(kv, a0);
                a1 = FloatVector.broadcast(S, qs[d + c]).fma(kv, a1);
                a2 = FloatVector.broadcast(S, qs[2 * d + c]).fma(kv, a2);
                a3 = FloatVector.broadcast(S, qs[3 * d + c]).fma(kv, a3);
            }
            a0.intoArray(s, jb);
            a1.intoArray(s, lkp + jb);
            a2.intoArray(s, 2 * lkp + jb);
            a3.intoArray(s, 3 * lkp + jb);
        }
    }

    /** In place: s = exp(s + keyBias - max); returns the sum, 0 when every key is masked. */
    static float softmaxRow(float[] s, int so, float[] keyBias, int lkp) {
        final int l = S.length();
        FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < lkp; j += l) {
            FloatVector x = FloatVector.fromArray(S, s, so + j).add(FloatVector.fromArray(S, keyBias, j));
            x.intoArray(s, so + j);
            mv = mv.blend(x, x.compare(VectorOperators.GT, mv));
        }
        float max = mv.reduceLanes(VectorOperators.MAX);
        if (max == Float.NEGATIVE_INFINITY) return 0f;
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < lkp; j += l) {
            FloatVector e = VMath.exp(FloatVector.fromArray(S, s, so + j).sub(max));
            e.intoArray(s, so + j);
            sum = sum.add(e);
        }
        return VMath.sumLanes(sum);
    }

    /** acc[r][c] = sum_j p[r][j] vp[j][c] for four rows; vectors run over the head dim. (The backward uses it too.) */
    static void weightedValues(float[] p, float[] vp, float[] acc, int lk, int lkp, int dp) {
        final int l = S.length();
        for (int cb = 0; cb < dp; cb += l) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            for (int j = 0, vo = cb; j < lk; j++, vo += dp) {
                FloatVector vv = FloatVector.fromArray(S, vp, vo);
                a0 = FloatVector.broadcast(S, p[j]).fma(vv, a0);
                a1 = FloatVector.broadcast(S, p[lkp + j]).fma(vv, a1);
                a2 = FloatVector.broadcast(S, p[2 * lkp + j]).fma(vv, a2);
                a3 = FloatVector.broadcast(S, p[3 * lkp + j]).fma(vv, a3);
            }
            a0.intoArray(acc, cb);
            a1.intoArray(acc, dp + cb);
            a2.intoArray(acc, 2 * dp + cb);
            a3.intoArray(acc, 3 * dp + cb);
        }
    }
}
