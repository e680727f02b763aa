package org.dimba4j.kernels.reference;

import org.dimba4j.kernels.OpShapes;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.grad.AttentionGrads;

/**
 * The backward of scaled-dot-product attention, one query row at a time, as FlashAttention derives it. With
 * P = softmax(S), S = scale Q K^T + bias (masked keys -inf) and O = P V:
 * <pre>
 *   dV = P^T dO          dP = dO V^T
 *   dS = P * (dP - D)    D_i = rowsum(dO_i * O_i)   (= sum_j P_ij dP_ij)
 *   dQ = scale dS K      dK = scale dS^T Q
 * </pre>
 * P is recomputed from q, k, the mask and the bias exactly as the forward does, so memory stays O(Lk) per row.
 * Rows whose keys are all masked had zero output and contribute nothing.
 */
final class AttentionBackward {
    private AttentionBackward() {}

    static AttentionGrads of(Tensor q, Tensor k, Tensor v, int heads, float scale, Tensor keyMask, Tensor bias,
                             Tensor out, Tensor dOut) {
        OpShapes.AttentionDims ad = OpShapes.attentionBackward(q, k, v, heads, keyMask, bias, out, dOut);
        int bsz = ad.batch(), lq = ad.lq(), lk = ad.lk(), d = ad.headDim(), hd = heads * d;
        boolean batchedBias = ad.batchedBias();
        float[] qs = ReferenceBackend.f(q), ks = ReferenceBackend.f(k), vs = ReferenceBackend.f(v);
        float[] os = ReferenceBackend.f(out), dos = ReferenceBackend.f(dOut);
        float[] m = keyMask == null ? null : keyMask.toFloatArray();
        float[] bb = bias == null ? null : ReferenceBackend.f(bias);
        // accumulate dK and dV over query rows in double: they are sums of Lq terms
        double[] dq = new double[qs.length], dk = new double[ks.length], dv = new double[vs.length];
        double[] p = new double[lk];
        for (int b = 0; b < bsz; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < lq; i++) {
                    int qo = (b * lq + i) * hd + h * d;
                    if (!probabilities(qs, ks, m, bb, p, b, h, i, qo, lq, lk, heads, d, scale, batchedBias)) continue;
                    double di = 0;
                    for (int c = 0; c < d; c++) di += (double) dos[qo + c] * os[qo + c];
                    for (int j = 0; j < lk; j++) {
                        if (p[j] == 0) continue; // a masked key (or an underflowed weight): no gradient flows
                        int ko = (b * lk + j) * hd + h * d;
                        double dp = 0;
                        for (int c = 0; c < d; c++) {
                            dp += (double) dos[qo + c] * vs[ko + c];
                            dv[ko + c] += p[j] * dos[qo + c];
                        }
                        double ds = p[j] * (dp - di) * scale;
                        for (int c = 0; c < d; c++) {
                            dq[qo + c] += ds * ks[ko + c];
                            dk[ko + c] += ds * qs[qo + c];
                        }
                    }
                }
            }
        }
        return new AttentionGrads(Tensor.of(narrow(dq), q.shape()), Tensor.of(narrow(dk), k.shape()),
                Tensor.of(narrow(dv), v.shape()));
    }

    /** Fills p with softmax_j(s_ij) of query row i of head h, as the forward computes it; false when every key is masked. */
    private static boolean probabilities(float[] qs, float[] ks, float[] m, float[] bb, double[] p, int b, int h, int i,
                                         int qo, int lq, int lk, int heads, int d, float scale, boolean batchedBias) {
        int hd = heads * d;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < lk; j++) {
            if (m != null && m[b * lk + j] == 0f) {
                p[j] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double dot = 0;
            for (int c = 0; c < d; c++) dot += (double) qs[qo + c] * ks[(b * lk + j) * hd + h * d + c];
            dot *= scale;
            if (bb != null) dot += bb[(((batchedBias ? b * heads : 0) + h) * lq + i) * lk + j];
            p[j] = dot;
            max = Math.max(max, dot);
        }
        if (max == Double.NEGATIVE_INFINITY) return false;
        double z = 0;
        for (int j = 0; j < lk; j++) {
            p[j] = p[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[j] - max);
            z += p[j];
        }
        for (int j = 0; j < lk; j++) p[j] /= z;
        return true;
    }

    /** Double accumulators rounded to f32 (shared by the reference backward ops). */
    static float[] narrow(double[] a) {
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) o[i] = (float) a[i];
        return o;
    }
}
