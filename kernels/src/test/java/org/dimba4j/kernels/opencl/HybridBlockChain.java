package org.dimba4j.kernels.opencl;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Tensor;

import java.util.Random;

/**
 * A small Dimba-like block written only against {@link Backend}: an adaLN-modulated PixArt self-attention and
 * cross-attention with a key mask, a GELU(tanh) MLP, then a bidirectional Mamba mixer (in_proj, causal conv1d + SiLU,
 * x_proj, dt_proj, selective scan forward and on the flipped sequence, SiLU(z) gating, out_proj). Weights are bf16
 * memory segments, like a mapped checkpoint. Used to check whole-chain parity and device residency.
 */
final class HybridBlockChain {
    final int c, heads, e, n = 16, dtRank, textLen = 7;
    final Tensor table, wqkv, bqkv, wo, bo, wq2, wkv2, wo2, w1, b1, w2, b2;
    final Tensor inProj, conv, convB, xProj, dtProj, dtBias, aLog, d, convBwd, convBBwd, xProjB, dtProjB, dtBiasB, aLogB, dB, outProj, normW;

    HybridBlockChain(int c, int heads, long seed) {
        this.c = c;
        this.heads = heads;
        this.e = 2 * c;
        this.dtRank = (c + 15) / 16;
        Random r = new Random(seed);
        table = w(r, 6, c);
        wqkv = w(r, 3 * c, c);
        bqkv = w(r, 3 * c);
        wo = w(r, c, c);
        bo = w(r, c);
        wq2 = w(r, c, c);
        wkv2 = w(r, 2 * c, c);
        wo2 = w(r, c, c);
        w1 = w(r, 4 * c, c);
        b1 = w(r, 4 * c);
        w2 = w(r, c, 4 * c);
        b2 = w(r, c);
        inProj = w(r, 2 * e, c);
        conv = w(r, e, 1, 4);
        convB = w(r, e);
        xProj = w(r, dtRank + 2 * n, e);
        dtProj = w(r, e, dtRank);
        dtBias = w(r, e);
        aLog = w(r, e, n);
        d = w(r, e);
        convBwd = w(r, e, 1, 4);
        convBBwd = w(r, e);
        xProjB = w(r, dtRank + 2 * n, e);
        dtProjB = w(r, e, dtRank);
        dtBiasB = w(r, e);
        aLogB = w(r, e, n);
        dB = w(r, e);
        outProj = w(r, c, e);
        normW = w(r, c);
    }

    /** A bf16 segment with N(0, 1/sqrt(fan-in))-ish values. */
    private static Tensor w(Random r, int... shape) {
        int fan = shape[shape.length - 1];
        Tensor t = OpenClTestSupport.rand(r, shape);
        float[] v = t.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(fan);
        return OpenClLinearAlgebraParityTest.segment(Tensor.of(v, shape), DType.BF16);
    }

    /** x [B, L, C], text ids [B, textLen] (I64, embedded with a table), mask [B, textLen] (I64), t0 [B, 6, C]. */
    Tensor forward(Backend be, Tensor x, Tensor textIds, Tensor mask, Tensor t0) {
        Tensor y = be.embedding(table, textIds);
        Tensor shiftMsa = be.slice(t0, 1, 0, 1), scaleMsa = be.slice(t0, 1, 1, 2), gateMsa = be.slice(t0, 1, 2, 3);
        Tensor shiftMlp = be.slice(t0, 1, 3, 4), scaleMlp = be.slice(t0, 1, 4, 5), gateMlp = be.slice(t0, 1, 5, 6);
        Tensor h = be.add(be.mul(be.layerNorm(x, null, null, 1e-6f), be.affine(scaleMsa, 1f, 1f)), shiftMsa);
        Tensor qkv = be.linear(h, wqkv, bqkv);
        float scale = (float) (1 / Math.sqrt((double) c / heads));
        Tensor att = be.attention(be.slice(qkv, 2, 0, c), be.slice(qkv, 2, c, 2 * c), be.slice(qkv, 2, 2 * c, 3 * c), heads, scale, null, null);
        x = be.add(x, be.mul(gateMsa, be.linear(att, wo, bo)));
        Tensor kv = be.linear(y, wkv2, null);
        Tensor cross = be.attention(be.linear(x, wq2, null), be.slice(kv, 2, 0, c), be.slice(kv, 2, c, 2 * c), heads, scale, mask, null);
        x = be.add(x, be.linear(cross, wo2, null));
        h = be.add(be.mul(be.layerNorm(x, null, null, 1e-6f), be.affine(scaleMlp, 1f, 1f)), shiftMlp);
        x = be.add(x, be.mul(gateMlp, be.linear(be.geluTanh(be.linear(h, w1, b1)), w2, b2)));
        // Mamba (bimamba v2) on RMSNorm(residual)
        Tensor xz = be.linear(be.rmsNorm(x, normW, 1e-5f), inProj, null);
        Tensor xs = be.slice(xz, 2, 0, e), z = be.slice(xz, 2, e, 2 * e);
        Tensor fwd = direction(be, xs, z, conv, convB, xProj, dtProj, dtBias, aLog, d);
        Tensor bwd = be.flip(direction(be, be.flip(xs, 1), be.flip(z, 1), convBwd, convBBwd, xProjB, dtProjB, dtBiasB, aLogB, dB), 1);
        Tensor mixed = be.linear(be.add(fwd, bwd), outProj, null);
        return be.add(mixed, be.scale(be.mean(x, 2), 0.5f));
    }

    private Tensor direction(Backend be, Tensor xs, Tensor z, Tensor cw, Tensor cb, Tensor xp, Tensor dp, Tensor db, Tensor al, Tensor dd) {
        Tensor u = be.silu(be.causalConv1d(xs, cw, cb));
        Tensor dbc = be.linear(u, xp, null);
        Tensor dt = be.linear(be.slice(dbc, 2, 0, dtRank), dp, null);
        Tensor bm = be.slice(dbc, 2, dtRank, dtRank + n), cm = be.slice(dbc, 2, dtRank + n, dtRank + 2 * n);
        Tensor a = be.scale(be.exp(al), -1f);
        return be.selectiveScan(u, dt, a, bm, cm, dd, z, db, true);
    }
}
