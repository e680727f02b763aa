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
                    double z = AttentionScores.numerators(qs, ks, m, bb, p, b, h, i, lq, lk, heads, d, scale, batchedBias);
                    if (z == 0) continue; // every key masked: the output was zero
                    for (int j = 0; j < lk; j++) p[j] /= z;
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
        return new AttentionGrads(ReferenceBackend.out(dq, q.shape()), ReferenceBackend.out(dk, k.shape()),
                ReferenceBackend.out(dv, v.shape()));
    }
}
