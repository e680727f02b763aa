package org.dimba4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.OpShapes;

import java.util.Arrays;

/**
 * Scaled-dot-product attention, one (batch, head, query range) per task and {@link #QB} query rows at a time.
 * Memory is O(L): a task holds its head's K^T and V packed as GEMM panels and QB rows of scores, never the
 * Lq x Lk matrix. Both products run on the GEMM micro-kernel (register-blocked MR x NR tiles), each element a
 * single fma chain from zero (scores over the head dim, outputs over all keys in order), so the bits are those
 * of the plain dot products. Each score row gets an exact max-subtracted softmax; masked keys are -inf
 * (weight 0), and a row with no key left gives zeros.
 */
final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Query rows per step of a task: a few MR-row tiles, so the scores stay a small block (O(L) memory). */
    private static final int QB = 4 * Gemm.MR;

    private Attention() {}

    /** The checked shapes come as {@code ad}; mask [B, Lk] (1 keep, 0 drop) and bias may be null. */
    static float[] run(float[] q, float[] k, float[] v, OpShapes.AttentionDims ad, float scale, float[] mask, float[] bias) {
        int bsz = ad.batch(), lq = ad.lq(), lk = ad.lk(), heads = ad.heads(), d = ad.headDim();
        boolean batchedBias = ad.batchedBias();
        int hd = heads * d;
        float[] o = new float[bsz * lq * hd];
        int blocks = (lq + QB - 1) / QB;
        int chunks = Math.max(1, Math.min(blocks, (4 * Parallel.threads() + bsz * heads - 1) / (bsz * heads)));
        long work = 2L * bsz * heads * lq * lk * d;
        Parallel.forEach(bsz * heads * chunks, work > 200_000, t -> {
            int b = t / (heads * chunks), h = (t / chunks) % heads, ch = t % chunks;
            int i0 = Math.min(lq, blocks * ch / chunks * QB), i1 = Math.min(lq, blocks * (ch + 1) / chunks * QB);
            if (i0 < i1) head(q, k, v, o, b, h, i0, i1, lq, lk, heads, d, scale, mask, bias, batchedBias);
        });
        return o;
    }

    private static void head(float[] q, float[] k, float[] v, float[] o, int b, int h, int i0, int i1, int lq, int lk,
                             int heads, int d, float scale, float[] mask, float[] bias, boolean batchedBias) {
        final int mr = Gemm.MR, nr = Gemm.NR, hd = heads * d, qb = QB;
        int lkPad = Gemm.panels(lk) * nr, dPad = Gemm.panels(d) * nr, kvOff = b * lk * hd + h * d;
        // K^T (d x lk) and V (lk x d) packed once per task into the GEMM's NR-column panels (zero-padded)
        float[] kp = new float[d * lkPad], vp = new float[lk * dPad], keyBias = new float[lkPad];
        PackB.pack(new MatrixView(k, null, DType.F32, kvOff, 1, hd), 0, d, 0, lk, kp, 0);
        PackB.pack(new MatrixView(v, null, DType.F32, kvOff, hd, 1), 0, lk, 0, d, vp, 0);
        for (int j = 0; j < lk; j++) if (mask != null && mask[b * lk + j] == 0f) keyBias[j] = Float.NEGATIVE_INFINITY;
        Arrays.fill(keyBias, lk, lkPad, Float.NEGATIVE_INFINITY);
        float[] qa = new float[qb * d], s = new float[qb * lkPad], pa = new float[qb * lk], acc = new float[qb * dPad], z = new float[qb];
        for (int i = i0; i < i1; i += qb) {
            int rows = Math.min(qb, i1 - i);
            PackA.pack(q, (b * lq + i) * hd + h * d, hd, 1, rows, d, qa);
            for (int x = 0; x < qa.length; x++) qa[x] *= scale;
            // scores: s = (q scale) K^T, each element one fma chain over the head dim from zero
            for (int ir = 0; ir < rows; ir += mr) {
                for (int p = 0; p < lkPad / nr; p++) tile(d, qa, ir * d, kp, p * d * nr, s, ir * lkPad + p * nr, lkPad);
            }
            for (int r = 0; r < qb; r++) {
                int so = r * lkPad;
                if (r < rows && bias != null) {
                    int bo = (((batchedBias ? b * heads : 0) + h) * lq + i + r) * lk;
                    for (int j = 0; j < lk; j++) s[so + j] += bias[bo + j];
                }
                z[r] = r < rows ? softmaxRow(s, so, keyBias, lkPad) : 0f;
                if (z[r] == 0f) Arrays.fill(s, so, so + lkPad, 0f);
            }
            // o = P V, each element one fma chain over the keys in order from zero (no kc slices), then 1 / sum
            PackA.pack(s, 0, lkPad, 1, rows, lk, pa);
            for (int ir = 0; ir < rows; ir += mr) {
                for (int p = 0; p < dPad / nr; p++) tile(lk, pa, ir * lk, vp, p * lk * nr, acc, ir * dPad + p * nr, dPad);
            }
            for (int r = 0; r < rows; r++) {
                int dst = (b * lq + i + r) * hd + h * d;
                float inv = z[r] == 0f ? 0f : 1f / z[r];
                for (int c = 0; c < d; c++) o[dst + c] = acc[r * dPad + c] * inv;
            }
        }
    }

    /** One MR x NR tile of a product over packed panels (A zero-padded to MR rows, so always a full tile). */
    private static void tile(int kc, float[] a, int aOff, float[] bp, int bOff, float[] c, int cBase, int ldc) {
        if (Gemm.MR == 12) Gemm.kernel12(kc, a, aOff, bp, bOff, c, cBase, ldc, false);
        else Gemm.kernel6(kc, a, aOff, bp, bOff, c, cBase, ldc, false);
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
}
